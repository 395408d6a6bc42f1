import { api, type Schemas } from '../api/client';

type Instance = Schemas['InstanceDto'];

/**
 * What each active instance costs per hour now: the price recorded at its last switch, else its
 * current pool's price from the switching panel (an instance that never switched has none recorded).
 * Terminated instances and unknown prices are left out.
 */
export async function currentPrices(clientId: string, instances: Instance[]): Promise<Map<string, number>> {
  const entries = await Promise.all(
    instances
      .filter((i) => i.is_active)
      .map(async (i): Promise<[string, number | null]> => {
        const recorded = i.current_mode === 'spot' ? i.spot_price : i.ondemand_price;
        if (recorded !== null) return [i.id, recorded];
        const { data } = await api.GET('/api/client/{id}/instances/{instanceId}/pricing', { params: { path: { id: clientId, instanceId: i.id } } });
        if (!data) return [i.id, null];
        return [i.id, i.current_mode === 'spot' ? (data.options.find((o) => o.is_current)?.hourly_price ?? null) : data.on_demand_price];
      }),
  );
  return new Map(entries.filter((e): e is [string, number] => e[1] !== null));
}
