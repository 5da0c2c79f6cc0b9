/** Keeps the last lines of a child's output, to quote in an error when it fails to come up. */
export class OutputTail {
  private readonly lines: string[] = [];
  private partial = "";

  constructor(private readonly limit = 200) {}

  push(chunk: string): void {
    const pieces = (this.partial + chunk).split("\n");
    this.partial = pieces.pop() ?? "";
    for (const line of pieces) this.remember(line);
  }

  text(): string {
    return [...this.lines, ...(this.partial === "" ? [] : [this.partial])].join("\n");
  }

  private remember(line: string): void {
    // wrangler colours and redraws its output; escape sequences would only garble a quoted error.
    this.lines.push(line.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ""));
    if (this.lines.length > this.limit) this.lines.shift();
  }
}
