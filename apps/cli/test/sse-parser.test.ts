import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from '../src/sse-parser.js';

/** Feeds `chunks` to a fresh parser and collects every event. */
function parse(chunks: (string | Uint8Array)[]): SseEvent[] {
  const parser = new SseParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
}

/** What the API sends: a status, a comment, a trial with a non-ASCII label, an end. */
const STREAM =
  'event: status\ndata: {"state":"running","trials":4}\n\n' +
  ': keep-alive\n\n' +
  'event: trial\ndata: {"label":"East seed 0 – baseline","testAccuracy":0.912}\n\n' +
  'event: end\ndata: {"state":"done"}\n\n';

const EXPECTED: SseEvent[] = [
  { type: 'status', data: '{"state":"running","trials":4}', lastEventId: '' },
  {
    type: 'trial',
    data: '{"label":"East seed 0 – baseline","testAccuracy":0.912}',
    lastEventId: '',
  },
  { type: 'end', data: '{"state":"done"}', lastEventId: '' },
];

describe('SseParser', () => {
  it('parses a whole stream in one chunk', () => {
    expect(parse([STREAM])).toEqual(EXPECTED);
  });

  it('gives the same events wherever the text is cut in two', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      expect(parse([STREAM.slice(0, cut), STREAM.slice(cut)]), `cut at ${cut}`).toEqual(EXPECTED);
    }
  });

  it('gives the same events wherever the bytes are cut, even inside a UTF-8 character', () => {
    const bytes = new TextEncoder().encode(STREAM);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(parse([bytes.subarray(0, cut), bytes.subarray(cut)]), `cut at ${cut}`).toEqual(
        EXPECTED,
      );
    }
  });

  it('gives the same events fed one byte at a time', () => {
    const bytes = new TextEncoder().encode(STREAM);
    expect(parse([...bytes].map((b) => Uint8Array.of(b)))).toEqual(EXPECTED);
  });

  it('accepts CRLF and lone CR line ends, including a CRLF split between chunks', () => {
    const crlf = STREAM.replaceAll('\n', '\r\n');
    const cr = STREAM.replaceAll('\n', '\r');
    expect(parse([crlf])).toEqual(EXPECTED);
    expect(parse([cr])).toEqual(EXPECTED);
    for (let cut = 0; cut <= crlf.length; cut++) {
      expect(parse([crlf.slice(0, cut), crlf.slice(cut)]), `CRLF cut at ${cut}`).toEqual(EXPECTED);
    }
    // A CR ending one chunk, an empty chunk, then the LF: still one line break.
    expect(parse(['data: a\r', '', '\n\r', '\n'])).toEqual([
      { type: 'message', data: 'a', lastEventId: '' },
    ]);
  });

  it('joins multi-line data with newlines and strips only one leading space', () => {
    expect(parse(['data: first\ndata:second\ndata:  third\ndata\n\n'])).toEqual([
      { type: 'message', data: 'first\nsecond\n third\n', lastEventId: '' },
    ]);
  });

  it('ignores comments, unknown fields and events without data', () => {
    expect(
      parse([': hello\n\nevent: lonely\n\nfoo: bar\nevent: x\n: inside\ndata: 1\n\n']),
    ).toEqual([{ type: 'x', data: '1', lastEventId: '' }]);
  });

  it('keeps the last id across events and reads retry', () => {
    const parser = new SseParser();
    const events = parser.push('id: 7\ndata: a\n\ndata: b\n\nretry: 2500\nretry: soon\n\n');
    expect(events.map((e) => e.lastEventId)).toEqual(['7', '7']);
    expect(parser.retryMs).toBe(2500);
  });

  it('drops a byte-order mark at the start only, and an unfinished event at the end', () => {
    expect(parse(['\uFEFFdata: a\n\ndata: \uFEFFb\n\ndata: never dispatched\n'])).toEqual([
      { type: 'message', data: 'a', lastEventId: '' },
      { type: 'message', data: '\uFEFFb', lastEventId: '' },
    ]);
  });
});
