/** French first, English switchable: `t(key, values)` in the language the operator chose. */
import * as shared from "../../../../web-build/i18n.ts";
import { en } from "./en.ts";
import { type DictionaryKey, fr } from "./fr.ts";

export { type Lang, langs } from "../../../../web-build/i18n.ts";
export type Translate = shared.Translate<DictionaryKey>;
/** `t`, `pick` and `label` in the operator's language (timeline-text.ts takes them together). */
export type LangContextValue = shared.LangContextValue<DictionaryKey>;

const kit = shared.langKit<DictionaryKey>({ fr, en });
export const { translator, langContextValue, LangContext, useLang } = kit;
