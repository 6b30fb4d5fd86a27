// @nlpjs ships no type declarations; the comparison bench uses this much of it.
declare module '@nlpjs/nlp' {
  export class Nlp {
    constructor(settings?: Record<string, unknown>);
    use(plugin: unknown): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<void>;
    process(locale: string, utterance: string): Promise<unknown>;
    export(minified?: boolean): string;
  }
}
declare module '@nlpjs/lang-zh' {
  export const LangZh: unknown;
}
