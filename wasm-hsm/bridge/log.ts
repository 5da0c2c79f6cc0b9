/**
 * JSON lines on stderr: one object per event, easy to grep and to ship. stdout is kept for the one line that
 * announces where the bridge listens, which scripts and tests wait for (main.ts).
 */
export type LogLevel = "info" | "warn" | "error";

export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

export const jsonLogger: Logger = (level, message, fields = {}) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`);
};
