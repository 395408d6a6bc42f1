'use client';
import Link from 'next/link';
import { useParams } from 'next/navigation';
import { useState } from 'react';
import { api, errorMessage, type Schemas } from '../../../../src/api/client';
import { PriceLine } from '../../../../src/components/charts';
import { Modal } from '../../../../src/components/dialog';
import { hourly, percent, usd, when } from '../../../../src/lib/format';
import { requireClient, useSession } from '../../../../src/lib/session';
import { unwrap } from '../../../../src/lib/unwrap';
import { usePoll } from '../../../../src/lib/use-poll';

type Option = Schemas['SwitchOptionDto'];
type Command = Schemas['CommandDto'];

async function loadInstance(clientId: string, instanceId: string) {
  const path = { id: clientId, instanceId };
  const instances = await unwrap(api.GET('/api/client/{id}/instances', { params: { path: { id: clientId }, query: { status: 'all', limit: 200 } } }));
  const instance = instances.items.find((i) => i.id === instanceId);
  if (!instance) throw new Error('This instance does not exist.');
  const [pricing, switches, decisions] = await Promise.all([
    instance.is_active ? unwrap(api.GET('/api/client/{id}/instances/{instanceId}/pricing', { params: { path } })) : Promise.resolve(undefined),
    unwrap(api.GET('/api/client/{id}/switches', { params: { path: { id: clientId }, query: { limit: 200 } } })),
    unwrap(api.GET('/api/client/{id}/agents/decisions', { params: { path: { id: clientId }, query: { limit: 200 } } })),
  ]);
  return {
    instance,
    instances: instances.items,
    pricing,
    switches: switches.items.filter((s) => s.agent_id === instance.agent_id),
    decision: decisions.items.find((d) => d.agent_id === instance.agent_id)?.decision ?? null,
  };
}

function optionLabel(o: Option): string {
  return o.kind === 'on-demand' ? `On-demand ${o.instance_type}` : `${o.instance_type} in ${o.az}`;
}

const STAGES: Record<Command['status'], { percent: number; text: string; failed?: boolean }> = {
  pending: { percent: 20, text: 'queued: waiting for the agent to pick it up' },
  executing: { percent: 45, text: 'the agent is carrying it out (image, new instance, cut-over)' },
  completed: { percent: 80, text: 'carried out: waiting for the switch report' },
  failed: { percent: 100, text: 'failed', failed: true },
  expired: { percent: 100, text: 'expired before the agent carried it out', failed: true },
  superseded: { percent: 100, text: 'replaced by a newer command', failed: true },
};

/** Where the force-switch command stands until the agent's switch report arrives. */
function CommandProgress({ command }: { command: Command }) {
  const stage = STAGES[command.status];
  return (
    <>
      <p data-testid="command-status" data-status={command.status}>
        Command {command.id.slice(0, 8)} ({command.origin}, priority {command.priority}): {stage.text}
        {command.error_message ? ` — ${command.error_message}` : ''}
      </p>
      {stage.failed ? (
        <p role="alert" className="error">The switch did not happen. Choose a pool again to retry.</p>
      ) : (
        <div className="progress" role="progressbar" aria-label="Switch progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={stage.percent} aria-valuetext={stage.text}>
          <span style={{ width: `${stage.percent}%` }} />
        </div>
      )}
    </>
  );
}

export default function InstancePage() {
  const { me } = useSession();
  const { id } = useParams<{ id: string }>();
  const clientId = me.client_id ?? '';
  const { data, error, reload } = usePoll(() => loadInstance(requireClient(me), id), id);
  const history = usePoll(
    () => unwrap(api.GET('/api/client/{id}/instances/{instanceId}/price-history', { params: { path: { id: requireClient(me), instanceId: id }, query: { days: 7 } } })),
    id,
    60_000,
  );
  const [chosen, setChosen] = useState<Option>();
  const [sending, setSending] = useState(false);
  const [switchError, setSwitchError] = useState<string>();
  const [command, setCommand] = useState<Command>();
  const tracked = usePoll(
    async () => (command ? unwrap(api.GET('/api/client/instances/{id}/commands/{commandId}', { params: { path: { id, commandId: command.id } } })) : undefined),
    command?.id ?? 'none',
  );

  async function confirmSwitch() {
    if (!chosen || !data) return;
    setSending(true);
    setSwitchError(undefined);
    const body: Schemas['ForceSwitchRequestDto'] = chosen.kind === 'on-demand' ? { target: 'on-demand' } : { target: 'pool', pool_id: chosen.pool_id ?? undefined };
    const { data: issued, error: failure } = await api.POST('/api/client/instances/{id}/force-switch', { params: { path: { id: data.instance.id } }, body });
    setSending(false);
    if (!issued) {
      setSwitchError(errorMessage(failure));
      return;
    }
    setCommand(issued.command);
    setChosen(undefined);
    void reload();
  }

  if (error) return <p role="alert" className="error">{error}</p>;
  if (!data) return <p aria-busy="true">Loading…</p>;
  const { instance, pricing, switches, decision } = data;
  const recorded = instance.current_mode === 'spot' ? instance.spot_price : instance.ondemand_price;
  const currentPrice = recorded ?? (instance.current_mode === 'spot' ? pricing?.options.find((o) => o.is_current)?.hourly_price : pricing?.on_demand_price);
  const report = command ? switches.find((s) => s.command_id === command.id) : undefined;
  const replacement = report ? data.instances.find((i) => i.instance_id === report.new_instance_id) : undefined;

  return (
    <>
      <p><Link href="/instances">← Instances</Link></p>
      <h1>{instance.instance_id}</h1>
      <p className="muted">
        {instance.instance_type} · {instance.az} · {instance.current_mode} · {hourly(currentPrice)} ·{' '}
        {/* Replaced is not terminated: the old instance goes after the terminate wait, reported with old_terminated_at (docs/continuity.md). */}
        {instance.is_active ? (
          <span className="badge green">active</span>
        ) : instance.terminated_at ? (
          <span className="badge grey">terminated {when(instance.terminated_at)}</span>
        ) : (
          <span className="badge grey">replaced {when(instance.replaced_at)}, not terminated yet</span>
        )}
      </p>

      {command && (
        <section className="card" aria-live="polite" data-testid="switch-progress">
          <h2>Switch in progress</h2>
          {!report ? (
            <CommandProgress command={tracked.data ?? command} />
          ) : report.success ? (
            <p className="ok" data-testid="switch-complete">
              Switch complete: now on {report.new_pool_id ?? report.new_mode} at {hourly(report.new_price)} ({usd(report.savings_impact_monthly)} per month saved).{' '}
              {replacement && <Link href={`/instances/${replacement.id}`}>Open {replacement.instance_id}</Link>}
            </p>
          ) : (
            <p role="alert" className="error">The switch failed: {report.error_message ?? 'no reason given'}</p>
          )}
        </section>
      )}

      {pricing && (
        <section className="card">
          <h2>Switch this instance</h2>
          <p className="muted">On-demand price {hourly(pricing.on_demand_price)}. One click asks for confirmation, then the agent carries the switch out.</p>
          <ul className="pools" data-testid="switching-panel">
            {pricing.options.map((o) => {
              const className = ['pool', o.kind === 'on-demand' ? 'ondemand' : '', o.is_cheapest ? 'cheapest' : '', o.is_current ? 'current' : ''].filter(Boolean).join(' ');
              const buttonClass = o.kind === 'on-demand' ? 'danger' : o.is_cheapest ? 'success' : undefined;
              return (
                <li key={o.pool_id ?? 'on-demand'} className={className} data-pool={o.pool_id ?? 'on-demand'}>
                  <span className="name">
                    {optionLabel(o)} {o.is_current && <span className="badge grey">Current</span>} {o.is_cheapest && <span className="badge green">Cheapest</span>}
                    {!o.same_type && <span className="badge blue" title="A similar instance type">similar type</span>}
                  </span>
                  <span className="price">{hourly(o.hourly_price)}</span>
                  <span className="save">{o.kind === 'on-demand' ? 'guaranteed' : `saves ${percent(o.savings_percent)}`}</span>
                  {o.price_source === 'interpolated' && <span className="muted" title="No fresh measurement: estimated">estimated</span>}
                  <button type="button" className={buttonClass} disabled={o.is_current} onClick={() => setChosen(o)} aria-label={o.is_current ? `${optionLabel(o)} (current)` : `Switch to ${optionLabel(o)}`}>
                    {o.is_current ? 'Current' : 'Switch'}
                  </button>
                </li>
              );
            })}
          </ul>
          {switchError && <p role="alert" className="error">{switchError}</p>}
        </section>
      )}

      <Modal open={!!chosen} title="Confirm the switch" onClose={() => setChosen(undefined)}>
        {chosen && (
          <div className="stack">
            <p>
              Move {instance.instance_id} to <strong>{optionLabel(chosen)}</strong> at {hourly(chosen.hourly_price)}
              {chosen.kind === 'spot' ? ` (saves ${percent(chosen.savings_percent)} against on-demand)` : ' (guaranteed capacity)'}? The agent creates an image, launches the new instance and retires this one.
            </p>
            <div className="row">
              <button type="button" onClick={() => void confirmSwitch()} disabled={sending}>{sending ? 'Sending…' : 'Confirm switch'}</button>
              <button type="button" className="secondary" onClick={() => setChosen(undefined)}>Cancel</button>
            </div>
          </div>
        )}
      </Modal>

      <section className="card">
        <h2>Why the engine recommends what it does</h2>
        {decision ? (
          <>
            <p>
              Latest decision {when(decision.decided_at)} by {decision.engine_name} {decision.engine_version}: <strong>{decision.recommendation.target === 'stay' ? 'stay' : `move to ${decision.recommendation.pool_id ?? 'on-demand'}`}</strong>{' '}
              ({decision.recommended_action}, risk {percent(decision.recommendation.risk * 100, 0)}, {hourly(decision.recommendation.expected_savings_per_h)} expected savings)
              {decision.fallback_used && <> · fallback: {decision.fallback_reason}</>}
            </p>
            <ul data-testid="decision-reasons">{decision.recommendation.reasons.map((r, i) => <li key={i}>{r}</li>)}</ul>
          </>
        ) : (
          <p className="muted">No decision yet: the engine decides every 5 minutes once prices arrive.</p>
        )}
      </section>

      <section className="card">
        <h2>Prices of the candidate pools, last 7 days</h2>
        <p className="muted">Hollow orange points were interpolated (no measurement for that time); the dashed red line is the on-demand price.</p>
        {history.error && <p role="alert" className="error">{history.error}</p>}
        {history.data?.pools.map((p) => (
          <PriceLine
            key={p.pool_id}
            title={`${p.instance_type} ${p.az}${p.is_current ? ' (current)' : ''}`}
            points={p.points.map((pt) => ({ t: pt.t, price: pt.price, interpolated: pt.source === 'interpolated' }))}
            onDemand={pricing?.on_demand_price}
          />
        ))}
        {history.data && history.data.pools.length === 0 && <p className="muted">No candidate pools with prices yet.</p>}
      </section>

      <section className="card">
        <h2>Switch history</h2>
        {switches.length ? (
          <ol className="timeline" data-testid="switch-timeline">
            {switches.map((s) => (
              <li key={s.id} className={s.success ? undefined : 'failed'}>
                <time>{when(s.initiated_at ?? s.instance_ready_at)}</time> · {s.old_pool_id ?? s.old_mode} → <strong>{s.new_pool_id ?? s.new_mode}</strong> ({s.trigger})
                <br />
                {s.success ? (
                  <span>
                    {hourly(s.old_price)} → {hourly(s.new_price)}: saves {hourly(s.savings_impact)}, {usd(s.savings_impact_monthly)} per month
                    {s.downtime_ms !== null && ` · ${(s.downtime_ms / 1000).toFixed(1)} s downtime`}
                    {s.old_instance_id && (s.old_terminated_at ? ` · ${s.old_instance_id} terminated ${when(s.old_terminated_at)}` : ` · ${s.old_instance_id} not terminated yet`)}
                    {s.cutover_steps && s.cutover_steps.length > 0 && (
                      <details data-testid="cutover-steps">
                        <summary>Cut-over: {s.cutover_steps.length} steps</summary>
                        <ul>
                          {s.cutover_steps.map((step, i) => (
                            <li key={`${step.name}-${i}`} className={step.ok ? undefined : 'error'}>
                              {step.name.replace(/_/g, ' ')}: {(step.duration_ms / 1000).toFixed(1)} s{step.ok ? '' : ' (failed)'}
                            </li>
                          ))}
                        </ul>
                      </details>
                    )}
                  </span>
                ) : (
                  <span className="error">failed: {s.error_message}</span>
                )}
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">No switches yet.</p>
        )}
        {clientId && <p className="muted">Agent {instance.agent_id?.slice(0, 8)}</p>}
      </section>
    </>
  );
}
