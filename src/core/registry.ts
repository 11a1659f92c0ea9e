/**
 * The one registry shape: runtimes, representations, model backends, strategies and benchmarks
 * are each a registry of named entries, open to entries a library user registers.
 */
import { ConfigError } from "./errors.js";

export interface Registry<T extends { readonly name: string }> {
  /** What the entries are, as error messages name them: `runtime`, `representation`, ... */
  readonly kind: string;
  /** Adds an entry; a name already taken is a ConfigError. */
  register(entry: T): void;
  /** The entry called `name`; a ConfigError naming the registered ones otherwise. */
  get(name: string): T;
  has(name: string): boolean;
  /** Every entry, in registration order. */
  list(): T[];
  names(): string[];
}

export function createRegistry<T extends { readonly name: string }>(options: { kind: string; entries?: readonly T[] }): Registry<T> {
  const { kind } = options;
  const byName = new Map<string, T>();
  const registry: Registry<T> = {
    kind,
    register(entry) {
      if (byName.has(entry.name)) throw new ConfigError(`${kind} "${entry.name}" is already registered`);
      byName.set(entry.name, entry);
    },
    get(name) {
      const entry = byName.get(name);
      if (entry === undefined) throw new ConfigError(`unknown ${kind} "${name}": expected ${registry.names().join(", ")}`);
      return entry;
    },
    has: (name) => byName.has(name),
    list: () => [...byName.values()],
    names: () => [...byName.keys()],
  };
  for (const entry of options.entries ?? []) registry.register(entry);
  return registry;
}
