import { useEffect, useRef, useState } from 'preact/hooks';
import type { PlanResponse, SubmitResponse } from '@seedsweep/api-contract';
import { ApiProblem } from './api-problem.js';
import { formatDuration } from './format.js';
import { useSession } from './session.js';

const DRY_RUN_DELAY_MS = 400;

interface FieldError {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

type Check =
  | { kind: 'empty' }
  | { kind: 'checking' }
  | { kind: 'ok'; plan: PlanResponse }
  | { kind: 'invalid'; problem: ApiProblem };

/** What the sweep file is, by its name or by its first character: JSON or YAML. */
function contentType(text: string, fileName: string | null): string {
  if (fileName?.endsWith('.json') || /^\s*[{[]/.test(text)) return 'application/json';
  return 'application/yaml';
}

/**
 * Paste or upload a sweep file; each change is checked by the API's dry run (nothing written),
 * which answers with the trials and the cost, or the errors at their lines. Then submit.
 */
export function SubmitPage() {
  const { api, canWrite } = useSession();
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [check, setCheck] = useState<Check>({ kind: 'empty' });
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<ApiProblem | null>(null);
  const editor = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (text.trim() === '') return setCheck({ kind: 'empty' });
    setCheck({ kind: 'checking' });
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const plan = await api.json<PlanResponse>('/v1/sweeps?dryRun=true', {
          method: 'POST',
          headers: { 'content-type': contentType(text, fileName) },
          body: text,
          signal: controller.signal,
        });
        setCheck({ kind: 'ok', plan });
      } catch (error) {
        if (controller.signal.aborted) return;
        setCheck({
          kind: 'invalid',
          problem: error instanceof ApiProblem ? error : new ApiProblem(0, 'CLIENT', String(error)),
        });
      }
    }, DRY_RUN_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, text, fileName]);

  if (!canWrite) {
    return <p>This key is read-only: it may follow sweeps but not submit them.</p>;
  }

  const goToLine = (line: number) => {
    const area = editor.current;
    if (!area) return;
    const lines = area.value.split('\n');
    const start = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0);
    area.focus();
    area.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
  };

  const submit = async () => {
    setSubmitting(true);
    setSubmitError(null);
    try {
      const created = await api.json<SubmitResponse>('/v1/sweeps', {
        method: 'POST',
        headers: { 'content-type': contentType(text, fileName) },
        body: text,
      });
      location.hash = `#/sweeps/${created.id}`;
    } catch (error) {
      setSubmitError(
        error instanceof ApiProblem ? error : new ApiProblem(0, 'CLIENT', String(error)),
      );
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <section class="submit">
      <h1>Submit a sweep</h1>
      <p>
        Paste a sweep file (YAML or JSON, see docs/sweeps.md) or choose one. It is checked as you
        type; nothing is written until you submit.
      </p>
      <label for="sweep-file">Sweep file</label>
      <input
        id="sweep-file"
        type="file"
        accept=".yaml,.yml,.json,application/yaml,application/json,text/yaml"
        onChange={async (event) => {
          const file = event.currentTarget.files?.[0];
          if (!file) return;
          setFileName(file.name);
          setText(await file.text());
        }}
      />
      <label for="sweep-text">Sweep definition</label>
      <textarea
        id="sweep-text"
        ref={editor}
        rows={16}
        spellcheck={false}
        data-testid="sweep-text"
        value={text}
        onInput={(event) => setText(event.currentTarget.value)}
      />
      <div aria-live="polite" data-testid="dry-run">
        {check.kind === 'checking' && <p class="muted">Checking…</p>}
        {check.kind === 'ok' && <PlanSummary plan={check.plan} />}
        {check.kind === 'invalid' && <Problems problem={check.problem} onLine={goToLine} />}
      </div>
      <button
        type="button"
        disabled={check.kind !== 'ok' || submitting}
        onClick={() => void submit()}
      >
        {submitting ? 'Submitting…' : 'Submit sweep'}
      </button>
      {submitError && <Problems problem={submitError} onLine={goToLine} />}
    </section>
  );
}

function PlanSummary({ plan }: { plan: PlanResponse }) {
  const range = (r: { min: number; max: number }, show: (value: number) => string) =>
    r.min === r.max ? show(r.min) : `${show(r.min)} to ${show(r.max)}`;
  const hours = (value: number) => formatDuration(value * 3600);
  return (
    <div class="plan" data-testid="plan">
      <p>
        <strong>{plan.name}</strong>: <strong data-testid="plan-trials">{plan.trials}</strong>{' '}
        trials ({plan.formula}) in {plan.groups.length} group{plan.groups.length === 1 ? '' : 's'}
      </p>
      <dl class="stats">
        <dt>Stored here already</dt>
        <dd>{plan.stored}</dd>
        <dt>To run</dt>
        <dd>{plan.toRun}</dd>
        <dt>Derived / resumed / unknown</dt>
        <dd>
          {plan.derived} / {plan.resumed} / {plan.unknown}
        </dd>
        <dt>Epochs to train</dt>
        <dd>{range(plan.epochs, String)}</dd>
        <dt>Training (core time)</dt>
        <dd>
          {range(plan.coreHours, hours)} ({range(plan.coreHours, (h) => h.toFixed(2))} core-hours)
        </dd>
        <dt>Wall time</dt>
        <dd>
          {range(plan.wallHours, hours)}{' '}
          <span class="muted small">({plan.workers.assumption})</span>
        </dd>
      </dl>
    </div>
  );
}

function Problems({ problem, onLine }: { problem: ApiProblem; onLine: (line: number) => void }) {
  const errors = problem.errors as readonly FieldError[];
  return (
    <div role="alert" class="error" data-testid="problems">
      <p>
        {problem.code}: {errors.length === 0 ? problem.message : 'the API refused the definition'}
      </p>
      {errors.length > 0 && (
        <ul>
          {errors.map((error) => (
            <li key={`${error.path}-${error.message}`}>
              {error.line !== undefined ? (
                <button type="button" class="link" onClick={() => onLine(error.line!)}>
                  line {error.line}
                </button>
              ) : null}{' '}
              <code>{error.path}</code>: {error.message.replace(/^line \d+, column \d+: /, '')}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
