/**
 * What a fuzz run did: requests per route, a histogram of answers, and each
 * distinct failure once (its first reproducer), so a long run reports classes
 * of bugs rather than thousands of copies of one.
 */
export class FuzzStats {
  readonly perRoute = new Map<string, number>();
  readonly statuses = new Map<string, number>();
  readonly failures = new Map<string, { count: number; routes: Set<string>; reproducer: string }>();
  requests = 0;
  serverErrors = 0;

  record(route: string, status: string): void {
    this.requests++;
    this.perRoute.set(route, (this.perRoute.get(route) ?? 0) + 1);
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (/^5\d\d$/.test(status)) this.serverErrors++;
  }

  /** `signature` groups failures of one kind (the answer and the server's error); the routes it hit and the first reproducer are kept. */
  fail(signature: string, route: string, reproducer: string): void {
    const known = this.failures.get(signature);
    if (known) {
      known.count++;
      known.routes.add(route);
    } else {
      this.failures.set(signature, { count: 1, routes: new Set([route]), reproducer });
    }
  }

  report(title: string): string {
    const lines = [`== ${title}: ${this.requests} requests, ${this.serverErrors} × 5xx, ${this.failures.size} distinct failure(s)`, '', 'requests per route:'];
    for (const [route, count] of [...this.perRoute].sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${String(count).padStart(7)}  ${route}`);
    lines.push('', 'answers:');
    for (const [status, count] of [...this.statuses].sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${String(count).padStart(7)}  ${status}`);
    for (const [signature, { count, routes, reproducer }] of this.failures) {
      lines.push('', `FAILURE ×${count}: ${signature}`, `  on ${[...routes].sort().join(', ')}`, reproducer.replace(/^/gm, '    '));
    }
    return lines.join('\n');
  }
}
