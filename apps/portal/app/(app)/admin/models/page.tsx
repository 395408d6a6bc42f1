'use client';
import { useState, type FormEvent } from 'react';
import { api, errorMessage, type Schemas } from '../../../../src/api/client';
import { AdminOnly } from '../../../../src/components/shell';
import { when } from '../../../../src/lib/format';
import { unwrap } from '../../../../src/lib/unwrap';
import { usePoll } from '../../../../src/lib/use-poll';

type Session = Schemas['ModelSessionDto'];

/** Nullable string fields of the model DTOs are typed loosely in openapi.json: read them as text. */
function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function modelName(s: Session): string {
  return text(s.engine_name) ?? s.file_names.join(', ');
}

const STATUS_BADGE: Record<Session['status'], string> = {
  uploaded: 'grey', validating: 'grey', pending: 'blue', rejected: 'red', activated: 'green', fallback: '', retired: 'grey',
};

function Models() {
  const { data, error, reload } = usePoll(() => unwrap(api.GET('/api/admin/ml-models', { params: { query: { limit: 50 } } })), 'models');
  const [stage, setStage] = useState<'idle' | 'uploading'>('idle');
  const [result, setResult] = useState<{ ok: boolean; text: string; problems?: string[] }>();
  const [actionError, setActionError] = useState<string>();

  async function upload(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const file = new FormData(formElement).get('file');
    if (!(file instanceof File) || !file.size) {
      setResult({ ok: false, text: 'Choose an .onnx file first.' });
      return;
    }
    setStage('uploading');
    setResult(undefined);
    const { data: session, error: failure } = await api.POST('/api/admin/ml-models/upload', {
      body: { file: file.name },
      bodySerializer: () => {
        const form = new FormData();
        form.append('file', file);
        return form;
      },
    });
    setStage('idle');
    if (session) {
      const v = session.validation;
      setResult({ ok: true, text: `Valid: ${session.file_names.join(', ')} is pending${v ? ` (checked in ${v.duration_ms} ms)` : ''}. Activate it to make it live.` });
      formElement.reset();
    } else {
      const problems = (failure as Schemas['ErrorResponseDto'] | undefined)?.details?.fields?.flatMap((f) => (Array.isArray(f?.problems) ? f.problems : []));
      setResult({ ok: false, text: errorMessage(failure), problems });
    }
    void reload();
  }

  async function act(call: Promise<{ error?: unknown }>) {
    const { error: failure } = await call;
    setActionError(failure ? errorMessage(failure) : undefined);
    void reload();
  }

  const live = data?.items.find((s) => s.is_live);
  const fallback = data?.items.find((s) => s.is_fallback);

  return (
    <>
      <h1>ML models</h1>
      <section className="tiles" aria-label="Engines">
        <div className="tile"><span className="label">Live</span><span className="value" data-testid="live-model">{live ? modelName(live) : 'built-in engine'}</span><span className="sub">{live ? `since ${when(text(live.activated_at))}` : 'no model activated'}</span></div>
        <div className="tile"><span className="label">Fallback</span><span className="value">{fallback ? modelName(fallback) : 'built-in engine'}</span><span className="sub">used when the live model fails or is rolled back</span></div>
      </section>
      <section className="card">
        <h2>Upload a model</h2>
        <form onSubmit={(e) => void upload(e)} className="row">
          <label>ONNX model file<input name="file" type="file" accept=".onnx" required /></label>
          <button type="submit" disabled={stage !== 'idle'}>{stage === 'uploading' ? 'Uploading and validating…' : 'Upload'}</button>
        </form>
        {stage === 'uploading' && <div className="progress" role="progressbar" aria-label="Upload and validation" aria-valuetext="uploading and validating"><span style={{ width: '60%' }} /></div>}
        {result && (
          <div role={result.ok ? 'status' : 'alert'} className={result.ok ? 'ok' : 'error'} data-testid="model-validation">
            <p>{result.text}</p>
            {result.problems?.length ? <ul>{result.problems.map((p, i) => <li key={i}>{p}</li>)}</ul> : null}
          </div>
        )}
      </section>
      {(error || actionError) && <p role="alert" className="error">{error ?? actionError}</p>}
      <section className="card table-wrap">
        <div className="row">
          <h2>Models</h2>
          <button type="button" className="secondary" disabled={!live} onClick={() => void act(api.POST('/api/admin/ml-models/rollback'))}>Fall back</button>
        </div>
        {data && (
          <table>
            <thead><tr><th scope="col">File</th><th scope="col">Status</th><th scope="col">Validation</th><th scope="col">Uploaded</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {data.items.map((s) => {
                const v = s.validation;
                return (
                  <tr key={s.id} data-model={s.id} data-status={s.status}>
                    <td>{s.file_names.join(', ')}</td>
                    <td>
                      <span className={`badge ${STATUS_BADGE[s.status]}`}>{s.status}</span> {s.is_live && <span className="badge green">live</span>} {s.is_fallback && <span className="badge">fallback</span>}
                    </td>
                    <td className="muted">{v ? (v.ok ? `ok in ${v.duration_ms} ms` : v.problems.join('; ')) : text(s.error_message) ?? '—'}</td>
                    <td>{when(s.created_at)}<br /><span className="muted">{text(s.uploaded_by)}</span></td>
                    <td>
                      {(s.status === 'pending' || s.status === 'fallback') && (
                        <button type="button" className="success" onClick={() => void act(api.POST('/api/admin/ml-models/activate', { body: { session_id: s.id } }))}>Activate</button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

export default function AdminModelsPage() {
  return (
    <AdminOnly>
      <Models />
    </AdminOnly>
  );
}
