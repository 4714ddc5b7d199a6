/**
 * Plans (each organization's API rate tier and monthly verification quota) are shared with the
 * issuer: the file and its schema live in @onekey/service-kit/plans (service-kit/src/plans.json).
 */
export { loadPlans, PLANS_FILE, type Plan, type Plans, planOf, validatePlans } from "@onekey/service-kit/plans";
