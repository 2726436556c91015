/**
 * What a run must not do at the process level: reject a promise no one handles, throw out of an event
 * handler, or grow without bound. Listening for the first two also keeps them from ending the process, so
 * a run reports them instead of dying on the first.
 */
export class Watchdog {
  readonly unhandled: string[] = [];
  peakRss = 0;
  private readonly timer: NodeJS.Timeout;

  private readonly onRejection = (reason: unknown): void => {
    this.unhandled.push(`unhandled rejection: ${describe(reason)}`);
  };

  private readonly onException = (err: Error): void => {
    this.unhandled.push(`uncaught exception: ${describe(err)}`);
  };

  constructor(sampleEveryMs = 50) {
    process.on('unhandledRejection', this.onRejection);
    process.on('uncaughtException', this.onException);
    this.sample();
    this.timer = setInterval(() => this.sample(), sampleEveryMs);
    this.timer.unref();
  }

  sample(): void {
    this.peakRss = Math.max(this.peakRss, process.memoryUsage.rss());
  }

  get peakRssMiB(): number {
    return Math.round((this.peakRss / (1024 * 1024)) * 10) / 10;
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
    process.off('unhandledRejection', this.onRejection);
    process.off('uncaughtException', this.onException);
  }
}

function describe(v: unknown): string {
  if (v instanceof Error) return `${v.name}: ${v.message}\n${v.stack ?? ''}`.slice(0, 2000);
  return String(v).slice(0, 500);
}
