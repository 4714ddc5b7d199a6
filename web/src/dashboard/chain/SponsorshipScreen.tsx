/**
 * Sponsorship: the chosen project's gas budget at the OneKey paymaster. Its balance and what it
 * spent this period, funding (anyone), withdrawing and the policy (per-user and per-period caps,
 * the period, the most one operation may cost: sponsor managers only), and the operations it
 * paid for recently (the paymaster's OperationSponsored logs).
 */
import { PROJECT_STATUS_NAMES } from "@onekey/deploy";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { formatEther } from "viem";
import { ErrorPanel } from "../../ui/ErrorPanel.js";
import { shortAddress } from "../../ui/format.js";
import { Progress } from "../../ui/Progress.js";
import { CHAIN_QUERY, useChainAction } from "./action.js";
import { chainUserError } from "./chain-errors.js";
import { ActionStatus, Field, GatedButton } from "./controls.js";
import { useChainEnv } from "./env.js";
import { PERIOD_UNITS, type PeriodUnit, parseFund, parsePolicy, parseWithdraw, periodFields } from "./forms.js";
import { projectGate } from "./permissions.js";
import type { Budget, Project } from "./reads.js";
import { ChainScreen } from "./session-bridge.js";
import { useProjects } from "./useProjects.js";
import "./chain.css";
import { PaysFrom } from "./PaysFrom.js";

export const eth = (wei: bigint) => `${formatEther(wei)} ETH`;

export function SponsorshipScreen() {
  const { session } = useChainEnv();
  const list = useProjects();
  const project = list.data?.projects.find((p) => p.projectId === session.projectId) ?? list.data?.projects[0];
  return (
    <div className="chain-screen">
      <h1>Sponsorship</h1>
      <p className="muted">
        Your project pays its users' network fees from a budget it holds at the OneKey paymaster. Anyone may add to it;
        only its sponsor managers set its limits and withdraw.
      </p>
      <PaysFrom />
      {list.isPending ? <Progress label="Reading your projects from the chain" /> : null}
      {list.error ? <ErrorPanel error={chainUserError(list.error)} onAction={() => void list.refetch()} /> : null}
      {list.data && list.data.projects.length > 1 ? (
        <div className="field">
          <label htmlFor="sponsor-project">Project</label>
          <select
            id="sponsor-project"
            value={project ? String(project.projectId) : ""}
            onChange={(e) => session.setProjectId(BigInt(e.target.value))}
          >
            {list.data.projects.map((p) => (
              <option key={String(p.projectId)} value={String(p.projectId)}>
                {p.slug} (project {String(p.projectId)})
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {list.data && !project ? <p>No project yet: create one under Projects first.</p> : null}
      {project ? <ProjectBudget key={String(project.projectId)} project={project} /> : null}
    </div>
  );
}

function ProjectBudget({ project }: { project: Project }) {
  const { reads } = useChainEnv();
  const budget = useQuery({
    queryKey: [CHAIN_QUERY, "budget", String(project.projectId)],
    queryFn: () => reads.budget(project.projectId),
  });
  if (budget.isPending) return <Progress label="Reading the budget from the paymaster" />;
  if (budget.error) return <ErrorPanel error={chainUserError(budget.error)} onAction={() => void budget.refetch()} />;
  return (
    <>
      <Balance project={project} budget={budget.data} />
      <Fund project={project} budget={budget.data} />
      <Withdraw project={project} budget={budget.data} />
      <Policy project={project} budget={budget.data} />
      <Operations project={project} />
    </>
  );
}

function Balance({ project, budget }: { project: Project; budget: Budget }) {
  const { calls } = useChainEnv();
  const action = useChainAction();
  const registryActive = project.status === 1;
  const { policy } = budget;
  return (
    <section className="card" aria-labelledby="balance-title">
      <h2 id="balance-title">
        Budget of {project.slug} <span className="small muted">project {String(project.projectId)}</span>
      </h2>
      <dl className="facts" data-testid="budget">
        <dt>Balance</dt>
        <dd data-testid="balance" data-wei={String(budget.balance)}>
          {eth(budget.balance)}
        </dd>
        <dt>Spent this period</dt>
        <dd>{eth(budget.spend.spent)}</dd>
        <dt>Per-user cap</dt>
        <dd data-testid="per-user-cap" data-wei={String(policy.perUserCap)}>
          {policy.perUserCap === 0n ? "none" : `${eth(policy.perUserCap)} per ${periodWords(policy.periodSeconds)}`}
        </dd>
        <dt>Project cap</dt>
        <dd data-testid="period-cap" data-wei={String(policy.periodCap)}>
          {policy.periodCap === 0n ? "none" : `${eth(policy.periodCap)} per ${periodWords(policy.periodSeconds)}`}
        </dd>
        <dt>Most per operation</dt>
        <dd>
          {policy.maxOpCost === 0n
            ? `${eth(budget.defaultMaxOpCost)} (the paymaster's default)`
            : eth(policy.maxOpCost)}
        </dd>
        <dt>Sponsoring</dt>
        <dd>{budget.active ? "on: the project is active" : "off: the paymaster sees the project as not active"}</dd>
      </dl>
      {budget.active !== registryActive ? (
        <div className="notice info">
          <p>
            The registry says the project is {PROJECT_STATUS_NAMES[project.status]}, but the paymaster still sees it as{" "}
            {budget.active ? "active" : "not active"}. Anyone may copy the registry's status over.
          </p>
          <GatedButton
            gate={{ allowed: true }}
            walletGate={action.walletGate}
            busy={action.busy}
            variant="secondary"
            onClick={() =>
              void action.run(calls.syncStatus(project.projectId), "Copy the project's status to the paymaster")
            }
          >
            Sync status
          </GatedButton>
          <ActionStatus state={action.state} onReset={action.reset} />
        </div>
      ) : null}
    </section>
  );
}

function periodWords(seconds: number): string {
  if (seconds === 0) return "lifetime (no reset)";
  const { period, periodUnit } = periodFields(seconds);
  return `${period} ${period === "1" ? periodUnit.replace(/s$/, "") : periodUnit}`;
}

function Fund({ project, budget }: { project: Project; budget: Budget }) {
  const { calls } = useChainEnv();
  const action = useChainAction();
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<string | undefined>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseFund({ amount }, budget.balance);
    if (!parsed.ok) return setError(parsed.errors.amount);
    setError(undefined);
    void action.run(calls.fund(project.projectId, parsed.value.amount), `Add ${eth(parsed.value.amount)}`, () =>
      setAmount(""),
    );
  };
  return (
    <section className="card" aria-labelledby="fund-title">
      <h2 id="fund-title">Fund</h2>
      <form className="chain-form" onSubmit={submit} noValidate>
        <Field
          label="Amount to add (ETH)"
          error={error}
          hint="Sent from your wallet to the paymaster's deposit for this project."
        >
          {(p) => (
            <input
              {...p}
              inputMode="decimal"
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              autoComplete="off"
            />
          )}
        </Field>
        <div>
          <GatedButton
            type="submit"
            gate={projectGate("fund", project)}
            walletGate={action.walletGate}
            busy={action.busy}
          >
            Fund the budget
          </GatedButton>
        </div>
      </form>
      <ActionStatus state={action.state} onReset={action.reset} />
    </section>
  );
}

function Withdraw({ project, budget }: { project: Project; budget: Budget }) {
  const { calls, account } = useChainEnv();
  const action = useChainAction();
  const [amount, setAmount] = useState("");
  const [to, setTo] = useState<string>(account);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseWithdraw({ amount, to }, budget.balance);
    if (!parsed.ok) return setErrors(parsed.errors);
    setErrors({});
    void action.run(
      calls.withdraw(project.projectId, parsed.value.to, parsed.value.amount),
      `Withdraw ${eth(parsed.value.amount)} to ${shortAddress(parsed.value.to)}`,
      () => setAmount(""),
    );
  };
  return (
    <section className="card" aria-labelledby="withdraw-title">
      <h2 id="withdraw-title">Withdraw</h2>
      <form className="chain-form" onSubmit={submit} noValidate>
        <div className="chain-row">
          <Field label="Amount to withdraw (ETH)" error={errors.amount} hint={`At most ${eth(budget.balance)}.`}>
            {(p) => (
              <input
                {...p}
                inputMode="decimal"
                value={amount}
                onChange={(e) => setAmount(e.target.value)}
                autoComplete="off"
              />
            )}
          </Field>
          <button type="button" className="button secondary" onClick={() => setAmount(formatEther(budget.balance))}>
            All of it
          </button>
        </div>
        <Field label="Send to" error={errors.to}>
          {(p) => <input {...p} value={to} onChange={(e) => setTo(e.target.value)} autoComplete="off" />}
        </Field>
        <div>
          <GatedButton
            type="submit"
            gate={projectGate("withdraw", project)}
            walletGate={action.walletGate}
            busy={action.busy}
          >
            Withdraw
          </GatedButton>
        </div>
      </form>
      <ActionStatus state={action.state} onReset={action.reset} />
    </section>
  );
}

function Policy({ project, budget }: { project: Project; budget: Budget }) {
  const { calls } = useChainEnv();
  const action = useChainAction();
  const { policy } = budget;
  const initialPeriod = periodFields(policy.periodSeconds);
  const [perUserCap, setPerUserCap] = useState(formatEther(policy.perUserCap));
  const [periodCap, setPeriodCap] = useState(formatEther(policy.periodCap));
  const [period, setPeriod] = useState(initialPeriod.period);
  const [periodUnit, setPeriodUnit] = useState<PeriodUnit>(initialPeriod.periodUnit);
  const [maxOpCost, setMaxOpCost] = useState(formatEther(policy.maxOpCost));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parsePolicy({ perUserCap, periodCap, period, periodUnit, maxOpCost });
    if (!parsed.ok) return setErrors(parsed.errors);
    setErrors({});
    void action.run(calls.setPolicy(project.projectId, parsed.value), "Save the sponsorship policy");
  };
  return (
    <section className="card" aria-labelledby="policy-title">
      <h2 id="policy-title">Limits</h2>
      <p className="small muted">0 means no limit. A new period length restarts the counters.</p>
      <form className="chain-form" onSubmit={submit} noValidate>
        <Field label="Per-user cap (ETH per period)" error={errors.perUserCap}>
          {(p) => (
            <input {...p} inputMode="decimal" value={perUserCap} onChange={(e) => setPerUserCap(e.target.value)} />
          )}
        </Field>
        <Field label="Project cap (ETH per period)" error={errors.periodCap}>
          {(p) => <input {...p} inputMode="decimal" value={periodCap} onChange={(e) => setPeriodCap(e.target.value)} />}
        </Field>
        <div className="chain-row">
          <Field label="Period" error={errors.period} hint="0: the caps are lifetime caps.">
            {(p) => <input {...p} inputMode="numeric" value={period} onChange={(e) => setPeriod(e.target.value)} />}
          </Field>
          <Field label="Unit">
            {(p) => (
              <select {...p} value={periodUnit} onChange={(e) => setPeriodUnit(e.target.value as PeriodUnit)}>
                {Object.keys(PERIOD_UNITS).map((u) => (
                  <option key={u} value={u}>
                    {u}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field
          label="Most one operation may cost (ETH)"
          error={errors.maxOpCost}
          hint={`0: the paymaster's default, ${eth(budget.defaultMaxOpCost)}.`}
        >
          {(p) => <input {...p} inputMode="decimal" value={maxOpCost} onChange={(e) => setMaxOpCost(e.target.value)} />}
        </Field>
        <div>
          <GatedButton
            type="submit"
            gate={projectGate("policy", project)}
            walletGate={action.walletGate}
            busy={action.busy}
          >
            Save limits
          </GatedButton>
        </div>
      </form>
      <ActionStatus state={action.state} onReset={action.reset} />
    </section>
  );
}

function Operations({ project }: { project: Project }) {
  const { reads } = useChainEnv();
  const ops = useQuery({
    queryKey: [CHAIN_QUERY, "operations", String(project.projectId)],
    queryFn: () => reads.sponsoredOperations(project.projectId, 20),
  });
  return (
    <section className="card" aria-labelledby="ops-title">
      <h2 id="ops-title">Recent sponsored operations</h2>
      {ops.isPending ? <Progress label="Reading the paymaster's log" /> : null}
      {ops.error ? <ErrorPanel error={chainUserError(ops.error)} onAction={() => void ops.refetch()} /> : null}
      {ops.data && ops.data.length === 0 ? <p>None yet.</p> : null}
      {ops.data && ops.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Block</th>
              <th scope="col">Sender</th>
              <th scope="col">Cost</th>
              <th scope="col">Operation</th>
            </tr>
          </thead>
          <tbody>
            {ops.data.map((op) => (
              <tr key={op.userOpHash}>
                <td>{String(op.blockNumber)}</td>
                <td>
                  <code title={op.sender}>{shortAddress(op.sender)}</code>
                </td>
                <td>{eth(op.actualCost)}</td>
                <td>
                  <code title={op.userOpHash}>{op.userOpHash.slice(0, 12)}…</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <p className="small muted">The latest 20, read from the paymaster's log on chain.</p>
    </section>
  );
}

export default function SponsorshipRoute() {
  return (
    <ChainScreen>
      <SponsorshipScreen />
    </ChainScreen>
  );
}
