/**
 * How the guide's public API answers each of the model's refusals (guide chapter 2): the codes
 * both dialects share (../refusals.ts) and the guide's own for a guest running (904), not
 * running (907) and a host without the memory (903).
 */
import type { CodeOf } from "../../../contract/errors";
import type { Reason } from "../../model/refusal";
import { BASE_REFUSALS } from "../refusals";

export const PUBLIC_REFUSALS: { readonly [R in Reason]: CodeOf<"vmm"> } = {
  ...BASE_REFUSALS,
  online: 904,
  offline: 907,
  memory: 903,
};
