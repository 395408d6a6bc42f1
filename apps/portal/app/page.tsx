'use client';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { session } from '../src/api/client';

export default function Home() {
  const router = useRouter();
  useEffect(() => router.replace(session.token() ? '/dashboard' : '/login'), [router]);
  return <main className="centered">Loading…</main>;
}
