import { afterEach } from 'vitest';

/** Something a test starts and must stop: a harness or component (`shutdown`), a stand-in server (`close`). */
export type Stoppable = { shutdown(): Promise<unknown> } | { close(): Promise<unknown> };

/**
 * After each test of the calling file: stops, in order, what `left()` returns (the file's variables a test
 * may have set), then `forget()`s them so the next test does not stop them again.
 */
export function stopAfterEach(left: () => readonly (Stoppable | undefined)[], forget: () => void = () => {}): void {
  afterEach(async () => {
    for (const thing of left()) {
      if (thing === undefined) continue;
      await ('shutdown' in thing ? thing.shutdown() : thing.close());
    }
    forget();
  });
}
