/** French first, English switchable: `t(key, values)` in the language the operator chose. */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { en } from "./en.ts";
import { type Dictionary, type DictionaryKey, fr } from "./fr.ts";

export type Lang = "fr" | "en";
export const langs: readonly Lang[] = ["fr", "en"];
export const dictionaries: Readonly<Record<Lang, Dictionary>> = { fr, en };

export type Translate = (key: DictionaryKey, values?: Readonly<Record<string, string | number>>) => string;

export function translator(lang: Lang): Translate {
  const dictionary = dictionaries[lang];
  return (key, values) =>
    dictionary[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      values?.[name] === undefined ? whole : String(values[name]),
    );
}

export interface LangContextValue {
  lang: Lang;
  t: Translate;
  /** The service's sentences come in both languages: pick ours. */
  pick: (text: { fr: string; en: string }) => string;
  /** A word for a value the service sends (`missionState_` + "accepted"), or the value itself. */
  label: (prefix: string, value: string) => string;
}

export function langContextValue(lang: Lang): LangContextValue {
  const dictionary: Readonly<Record<string, string>> = dictionaries[lang];
  return {
    lang,
    t: translator(lang),
    pick: (text) => text[lang],
    label: (prefix, value) => dictionary[`${prefix}${value}`] ?? value,
  };
}

export const LangContext = createContext<LangContextValue>(langContextValue("fr"));

export function useLang(): LangContextValue {
  return useContext(LangContext);
}
