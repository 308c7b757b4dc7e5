import type { LightMyRequestResponse } from 'fastify';
import type { FuzzRequest } from './requests.js';

/** What an answer did wrong; grouped by `signature` in the report. */
export type Finding = Readonly<{ signature: string; problem: string; request: FuzzRequest; status: number; body: string }>;

/** A stack frame, a source or dependency path, or an error class name leaking from the process. */
const LEAKS: readonly RegExp[] = [/\bat [\w$.<>]+ \(/, /\bat (?:file:\/\/)?\/[\w/.-]+:\d+:\d+/, /node_modules/, /\/work\//, /\.(?:ts|js|mjs|cjs):\d+:\d+/, /\b(?:TypeError|ReferenceError|RangeError|SyntaxError): /];

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** RFC 9457 with this API's `code`: the failure, or null when the document is one. */
export function problemFault(document: unknown, status: number): string | null {
  if (!isRecord(document)) return 'the body is not a JSON object';
  if (typeof document.type !== 'string') return 'no "type"';
  if (typeof document.title !== 'string') return 'no "title"';
  if (document.status !== status) return `"status" ${String(document.status)} is not the HTTP status`;
  if (typeof document.code !== 'string' || document.code === '') return 'no "code"';
  return null;
}

/** Everything the answer must be, whatever was asked: below 500, problem+json when an error, nothing internal. */
export function judge(request: FuzzRequest, response: Pick<LightMyRequestResponse, 'statusCode' | 'body' | 'headers'>): Finding[] {
  const findings: Finding[] = [];
  const status = response.statusCode;
  const text = response.body;
  const found = (problem: string, code?: unknown): void => {
    const codeText = typeof code === 'string' ? code : '-';
    findings.push({ signature: `${request.operation} | ${status} | ${codeText} | ${problem}`, problem, request, status, body: text.slice(0, 600) });
  };
  const document = parse(text);
  const code = isRecord(document) ? document.code : undefined;
  if (status >= 500) found('5xx', code);
  if (status >= 400) {
    const contentType = String(response.headers['content-type'] ?? '');
    // HEAD answers carry the headers of the GET without its body.
    if (!contentType.startsWith('application/problem+json')) found(`error answered as "${contentType}"`, code);
    else if (request.method !== 'HEAD') {
      const fault = problemFault(document, status);
      if (fault) found(`not a problem document: ${fault}`, code);
    }
  }
  for (const leak of LEAKS) {
    if (leak.test(text)) found(`internal detail in the body (${leak.source})`, code);
  }
  // A sync batch answers 200 with each command's own answer: those are judged the same way.
  if (status === 200 && request.operation === 'POST /v1/sync' && isRecord(document) && Array.isArray(document.results)) {
    for (const result of document.results as unknown[]) {
      if (!isRecord(result) || typeof result.status !== 'number') continue;
      const inner = result.status;
      if (inner >= 500) found(`a synced command answered ${inner}`, isRecord(result.body) ? result.body.code : undefined);
      if (inner >= 400) {
        const fault = problemFault(result.body, inner);
        if (fault) found(`a synced command's ${inner} is not a problem document: ${fault}`, isRecord(result.body) ? result.body.code : undefined);
      }
    }
  }
  return findings;
}

/** Long values cut, so a report of a 1 MB body stays readable; enough is kept to see what it was. */
function cut(text: string, max = 300): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

/** The findings grouped by operation, status, code and problem, each with one reproducing request. */
export function report(findings: readonly Finding[], replay: string): string {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) groups.set(finding.signature, [...(groups.get(finding.signature) ?? []), finding]);
  const lines = [`${findings.length} finding(s) in ${groups.size} group(s); replay with ${replay}`];
  for (const [signature, group] of groups) {
    const first = group[0]!;
    const { request } = first;
    const payload = request.payload === undefined ? '' : Buffer.isBuffer(request.payload) ? `hex:${request.payload.toString('hex')}` : request.payload;
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, name === 'authorization' ? `${cut(value, 40)} (${request.who})` : cut(value, 120)]));
    lines.push(
      `\n× ${group.length}  ${signature}`,
      `  request: ${request.method} ${cut(request.url, 200)}  [${request.faults.join(', ') || 'valid'}]`,
      `  headers: ${JSON.stringify(headers)}`,
      `  body:    ${cut(payload)}`,
      `  answer:  ${first.status} ${cut(first.body)}`,
    );
  }
  return lines.join('\n');
}
