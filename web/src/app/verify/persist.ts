/**
 * The verify flow's state, kept in localStorage per chain and project link, so a reload, a closed
 * tab or the provider's redirect back lands where the person was. It holds no secret and no
 * personal data: ids, hashes and the issuer's (public) signature. Transient parts (upload
 * progress, a failure on screen) are not kept: after a reload the step simply runs again.
 */
import { initialState, STEPS, type VerifyState } from "./machine.js";

const keyOf = (chainId: number, slug: string) => `onekey:verify:${chainId}:${slug}`;

export function loadFlow(chainId: number, slug: string): VerifyState {
  try {
    const raw = localStorage.getItem(keyOf(chainId, slug));
    const state = raw ? (JSON.parse(raw) as VerifyState) : undefined;
    if (state?.v === 1 && state.slug === slug && STEPS.includes(state.step)) return state;
  } catch {
    // Unreadable: start fresh rather than fail.
  }
  return initialState(slug);
}

export function saveFlow(chainId: number, state: VerifyState): void {
  const { upload: _upload, failure: _failure, sealPhase: _phase, ...kept } = state;
  localStorage.setItem(keyOf(chainId, state.slug), JSON.stringify(kept));
}

export function forgetFlow(chainId: number, slug: string): void {
  localStorage.removeItem(keyOf(chainId, slug));
}
