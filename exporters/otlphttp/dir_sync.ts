import { syncDirectory } from '../../core/index.js';

/** fsyncs the directory, letting concurrent writers share one fsync that started after their rename. */
export class DirSync {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(private readonly dir: string) {}

  sync(): Promise<void> {
    if (this.next) return this.next;
    if (this.running) {
      const after = () => {
        this.next = undefined;
        return this.start();
      };
      this.next = this.running.then(after, after);
      return this.next;
    }
    return this.start();
  }

  private start(): Promise<void> {
    const p = syncDirectory(this.dir).finally(() => {
      if (this.running === p) this.running = undefined;
    });
    this.running = p;
    return p;
  }
}
