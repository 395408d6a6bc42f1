import { CloudProvider, ImageDescription } from './cloud-provider';

export interface CleanupPolicy {
  /** Images carrying all of these tags are the agent's own (never touches anything else). */
  tags: Record<string, string>;
  /** Keep at least this many of the newest images whatever their age. */
  keepLatest: number;
  /** Delete images older than this (days). */
  retentionDays: number;
  now: Date;
}

export interface CleanupOutcome {
  /** Deregistered (or, in safe mode, would have been). */
  images: string[];
  snapshots: string[];
  dryRun: boolean;
  failures: Array<{ resource: string; message: string }>;
}

/** Which images a retention policy removes: older than the retention, beyond the newest `keepLatest`. */
export function imagesPastRetention(images: ImageDescription[], policy: Omit<CleanupPolicy, 'tags'>): ImageDescription[] {
  const cutoff = policy.now.getTime() - policy.retentionDays * 86_400_000;
  const newestFirst = images.filter((i) => i.state !== 'deregistered').sort((a, b) => b.creationDate.getTime() - a.creationDate.getTime());
  return newestFirst.slice(policy.keepLatest).filter((i) => i.creationDate.getTime() < cutoff && i.state !== 'pending');
}

/** Deregisters the agent's AMIs past retention and deletes their snapshots (seed 001 Cleanup Manager). */
export async function cleanUpImages(cloud: CloudProvider, policy: CleanupPolicy): Promise<CleanupOutcome> {
  const outcome: CleanupOutcome = { images: [], snapshots: [], dryRun: cloud.safeMode, failures: [] };
  const doomed = imagesPastRetention(await cloud.describeImages({ tags: policy.tags }), policy);
  for (const image of doomed) {
    try {
      await cloud.deregisterImage(image.imageId);
      outcome.images.push(image.imageId);
    } catch (error) {
      outcome.failures.push({ resource: image.imageId, message: error instanceof Error ? error.message : String(error) });
      continue;
    }
    // Snapshots only after their image is gone: AWS refuses to delete a snapshot an AMI uses.
    for (const snapshotId of image.snapshotIds) {
      try {
        await cloud.deleteSnapshot(snapshotId);
        outcome.snapshots.push(snapshotId);
      } catch (error) {
        outcome.failures.push({ resource: snapshotId, message: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  return outcome;
}
