/**
 * Plans (each organization's API rate tier and monthly verification quota) are shared with the
 * issuer: the file and its schema live in @onekey/service-kit/plans (service-kit/src/plans.json).
 */
export {
  fixedPlans,
  loadPlans,
  PLANS_FILE,
  type Plan,
  type PlanReader,
  type Plans,
  planOf,
  validatePlans,
  watchPlans,
} from "@onekey/service-kit/plans";
