/** Everything the CLI touches of its process, injectable so tests can drive it in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Run `cleanup` on Ctrl-C, then exit 130 (only the real process wires this). */
  onInterrupt?: (cleanup: () => Promise<void>) => void;
}

export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    onInterrupt: (cleanup) => {
      process.once('SIGINT', () => {
        process.stderr.write('\ninterrupted: deleting what was created…\n');
        void cleanup().finally(() => process.exit(130));
      });
    },
  };
}
