/** Simulated tasks (guest and image creation): progress on the emulator's clock, and how they ended. */
import { badge, timeOfDay } from "./format";
import { type Html, html } from "./html";
import type { StateView, TaskView } from "./source";

export function tasksSection(state: StateView): Html {
  if (state.tasks.length === 0)
    return html`<p>No tasks. Guest and image creation start one; a finished task goes once it was read, or after a minute.</p>`;
  const names = new Map<string, string>();
  for (const g of state.guests) names.set(g.guest_id, g.guest_name);
  for (const i of state.images) names.set(i.image_id, i.image_name);
  return html`<table class="stack">
<caption class="visually-hidden">Tasks</caption>
<thead><tr><th scope="col">Task</th><th scope="col">Target</th><th scope="col">Started</th><th scope="col">Progress</th><th scope="col">Outcome</th></tr></thead>
<tbody>${state.tasks.map((t) => taskRow(t, names))}</tbody>
</table>`;
}

function taskRow(t: TaskView, names: ReadonlyMap<string, string>): Html {
  const target = names.get(t.target_id) ?? t.target_id;
  return html`<tr data-task="${t.task_id}">
<th scope="row" data-label="Task">${t.kind.replace("_", " ")}<code class="small id">${t.task_id}</code></th>
<td data-label="Target">${target}</td>
<td data-label="Started">${timeOfDay(new Date(t.started_at).toISOString())}</td>
<td data-label="Progress"><progress max="100" value="${t.progress}" aria-label="Progress of ${t.kind.replace("_", " ")} ${target}"></progress> <span class="progress-text">${t.progress} %</span></td>
<td data-label="Outcome">${outcome(t)}</td>
</tr>`;
}

function outcome(t: TaskView): Html {
  if (t.finished_at !== null)
    return t.status === "failed"
      ? badge("bad", `failed: error ${t.error_code ?? "?"}`)
      : badge("ok", "finished");
  if (t.stuck_at_progress !== null && t.progress >= t.stuck_at_progress)
    return badge("warn", `stuck at ${t.stuck_at_progress} %`);
  return badge("busy", "running");
}
