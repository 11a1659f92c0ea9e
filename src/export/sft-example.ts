/**
 * The format-neutral SFT example every exporter reads: an id, a chat, and free metadata that
 * no exporter writes into training files.
 */
import { z } from "zod";
import { ConfigError } from "../core/errors.js";

export type SftRole = "system" | "user" | "assistant";

export interface SftMessage {
  role: SftRole;
  content: string;
}

export interface SftExample {
  id: string;
  messages: SftMessage[];
  meta?: Record<string, unknown>;
}

export const sftMessageSchema = z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() });

export const sftExampleSchema = z.object({
  id: z.string().min(1),
  messages: z.array(sftMessageSchema).min(2),
  meta: z.record(z.string(), z.unknown()).optional(),
});

/** A training set of one representation and one split. */
export interface SftDataset {
  representation: string;
  split: string;
  examples: readonly SftExample[];
}

/**
 * The chat shape every supported trainer accepts: an optional leading system message, then
 * user/assistant turns alternating from a user turn and ending on an assistant turn.
 */
export function assertChatShape(example: SftExample): void {
  const problem = chatShapeProblem(example.messages);
  if (problem !== undefined) {
    throw new ConfigError(`SFT example ${example.id}: ${problem}; expected [system], user, assistant, user, assistant, ...`);
  }
}

function chatShapeProblem(messages: readonly SftMessage[]): string | undefined {
  const offset = messages[0]?.role === "system" ? 1 : 0;
  const turns = messages.slice(offset);
  if (turns.length === 0 || turns.length % 2 !== 0) return "needs user/assistant pairs after the optional system message";
  const index = turns.findIndex((message, position) => message.role !== (position % 2 === 0 ? "user" : "assistant"));
  return index === -1 ? undefined : `message ${index + offset + 1} has role "${turns[index]?.role}" out of turn`;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** `<representation>.<split>.jsonl`; both parts must be file-name safe (letters, digits, `_`, `.`, `-`). */
export function sftFileName(representation: string, split: string): string {
  for (const [what, name] of [
    ["representation", representation],
    ["split", split],
  ] as const) {
    if (!SAFE_NAME.test(name)) {
      throw new ConfigError(
        `${what} name ${JSON.stringify(name)} is not safe in a file name; ` + `use letters, digits, "_", "." and "-" (e.g. the split slugs of SPLIT_SLUGS)`,
      );
    }
  }
  return `${representation}.${split}.jsonl`;
}
