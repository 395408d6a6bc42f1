'use client';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

export default function AdminHome() {
  const router = useRouter();
  useEffect(() => router.replace('/admin/clients'), [router]);
  return <p aria-busy="true">Loading…</p>;
}
