/** Shown instead of the app when its configuration is invalid: which variable, and why. */
export function ConfigProblem({ problems }: { problems: string[] }) {
  return (
    <main className="page narrow">
      <h1>OneKey cannot start</h1>
      <p>This copy of the app is not configured correctly. For whoever runs it:</p>
      <ul>
        {problems.map((problem) => (
          <li key={problem}>
            <code>{problem}</code>
          </li>
        ))}
      </ul>
      <p>
        Locally, <code>npm run dev</code> starts everything and writes the deployment book the app reads.
      </p>
    </main>
  );
}
