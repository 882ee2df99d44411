/**
 * French first, English switchable: the frame both UIs' dictionaries plug into. Each UI keeps its
 * own `fr.ts` and `en.ts` (the same keys, which their types enforce) and gets from `langKit` its
 * `t(key, values)`, its Preact context and its `useLang()`. `{name}` in a sentence marks a value
 * filled in by `t(key, { name })`; a value not given leaves the mark as it is, so a missing number
 * shows, rather than vanishing from the sentence.
 */
import { type Context, createContext } from "preact";
import { useContext } from "preact/hooks";

export type Lang = "fr" | "en";
/** French first: the default language, and the first one where both are shown. */
export const langs: readonly Lang[] = ["fr", "en"];

export type Translate<Key extends string> = (
  key: Key,
  values?: Readonly<Record<string, string | number>>,
) => string;

export interface LangContextValue<Key extends string> {
  lang: Lang;
  t: Translate<Key>;
  /** The server's sentences come in both languages: pick ours. */
  pick: (text: { fr: string; en: string }) => string;
  /** A word for a value the server sends (`missionState_` + "accepted"), or the value itself. */
  label: (prefix: string, value: string) => string;
}

export interface LangKit<Key extends string> {
  translator: (lang: Lang) => Translate<Key>;
  langContextValue: (lang: Lang) => LangContextValue<Key>;
  LangContext: Context<LangContextValue<Key>>;
  useLang: () => LangContextValue<Key>;
}

export function langKit<Key extends string>(
  dictionaries: Readonly<Record<Lang, Readonly<Record<Key, string>>>>,
): LangKit<Key> {
  const translator = (lang: Lang): Translate<Key> => {
    const dictionary = dictionaries[lang];
    return (key, values) =>
      dictionary[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
        values?.[name] === undefined ? whole : String(values[name]),
      );
  };
  const langContextValue = (lang: Lang): LangContextValue<Key> => {
    const dictionary: Readonly<Record<string, string>> = dictionaries[lang];
    return {
      lang,
      t: translator(lang),
      pick: (text) => text[lang],
      label: (prefix, value) => dictionary[`${prefix}${value}`] ?? value,
    };
  };
  const LangContext = createContext<LangContextValue<Key>>(langContextValue("fr"));
  return { translator, langContextValue, LangContext, useLang: () => useContext(LangContext) };
}
