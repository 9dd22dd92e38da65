/** The text of the `.env` files polystore writes (the file resource is dotenv.ts). */

/** The second line of every env file polystore writes: how a file it did not write is told apart. */
export const DOTENV_WRITTEN_BY = "# Written by polystore on `pulumi up`; removed on `pulumi destroy`. Do not commit.";

/** Whether `text` is an env file polystore wrote (its header line, then {@link DOTENV_WRITTEN_BY}). */
export function isPolystoreDotEnv(text: string): boolean {
  const [first, second] = text.split("\n", 2);
  return /^# polystore stack .*$/.test(first ?? "") && second === DOTENV_WRITTEN_BY;
}

/** Renders variables as a `.env` file: sorted by store order given, values quoted when needed. */
export function renderDotEnv(sections: Array<{ title: string; vars: Record<string, string> }>, header: string): string {
  const quote = (v: string) => (/^[A-Za-z0-9_./:@%+=-]*$/.test(v) ? v : `"${v.replace(/(["\\$`])/g, "\\$1")}"`);
  const lines = [`# ${header}`, DOTENV_WRITTEN_BY, ""];
  for (const s of sections) {
    lines.push(`# ${s.title}`);
    for (const [k, v] of Object.entries(s.vars)) lines.push(`${k}=${quote(v)}`);
    lines.push("");
  }
  return lines.join("\n");
}
