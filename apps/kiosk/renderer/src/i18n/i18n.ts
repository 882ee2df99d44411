/** French first, English switchable (issue 6): `t(key, values)` in the language the doctor chose. */
import { langKit } from "../../../../web-build/i18n.ts";
import { en } from "./en.ts";
import { type DictionaryKey, fr } from "./fr.ts";

export { type Lang, langs } from "../../../../web-build/i18n.ts";

const kit = langKit<DictionaryKey>({ fr, en });
export const { translator, langContextValue, LangContext, useLang } = kit;
