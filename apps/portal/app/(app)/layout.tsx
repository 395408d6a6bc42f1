import type { ReactNode } from 'react';
import { Shell } from '../../src/components/shell';

export default function SignedInLayout({ children }: { children: ReactNode }) {
  return <Shell>{children}</Shell>;
}
