// The dashboard's script: keeps the page live and makes its actions. Plain browser JavaScript,
// served as it is (no build step). The server renders and escapes every section; this script
// only swaps in the fresh markup of `GET /dashboard/live` and sends the control-plane calls.
//
// Safety: every action is a fetch with a JSON body and the admin token as a bearer header, so a
// foreign page can neither trigger it (no form post, no GET changes anything) nor read the
// answer. The token stays in this tab's sessionStorage and is never written into the page.
(() => {
  const LIVE = "/dashboard/live";
  const TOKEN_KEY = "vmm-emulator-admin-token";
  const METHODS = new Set(["POST", "DELETE", "PATCH"]);
  const body = document.body;
  const tokenRequired = body.dataset.auth === "token";
  const pollMs = Math.max(100, Number(body.dataset.pollMs) || 1000);
  const statusLine = document.getElementById("status");
  const updated = document.getElementById("updated");
  const liveToggle = document.getElementById("live-updates");
  const filterForm = document.getElementById("journal-filter");
  const tokenState = document.getElementById("token-state");
  /** The markup each section shows, to leave untouched what did not change. */
  const shown = new Map();
  let timer;
  let inflight = false;
  let again = false;
  let tokenRefused = false;

  function token() {
    try {
      return sessionStorage.getItem(TOKEN_KEY) ?? "";
    } catch {
      return "";
    }
  }

  function headers(withBody) {
    const h = { Accept: "application/json" };
    if (withBody) h["Content-Type"] = "application/json";
    const t = token();
    if (t !== "") h.Authorization = `Bearer ${t}`;
    return h;
  }

  function say(text, kind) {
    if (statusLine === null) return;
    statusLine.textContent = text;
    statusLine.dataset.kind = kind;
  }

  function lockSections(text) {
    shown.clear();
    for (const el of document.querySelectorAll("[data-live]")) {
      const p = document.createElement("p");
      p.className = "locked";
      p.textContent = text;
      el.replaceChildren(p);
    }
  }

  /** Swaps in changed sections; keyboard focus on a button comes back to its redrawn twin. */
  function apply(sections) {
    for (const [id, markup] of Object.entries(sections)) {
      const el = document.getElementById(`live-${id}`);
      if (el === null || shown.get(id) === markup) continue;
      const active = document.activeElement;
      const key = active instanceof HTMLElement && el.contains(active) ? active.dataset.key : undefined;
      // An exchange the reader unfolded stays unfolded when the journal is redrawn.
      const open = new Set();
      for (const d of el.querySelectorAll("details[open]"))
        open.add(d.closest("[data-seq]")?.getAttribute("data-seq"));
      el.innerHTML = markup;
      shown.set(id, markup);
      for (const row of el.querySelectorAll("[data-seq]")) {
        const details = row.querySelector("details");
        if (details !== null && open.has(row.getAttribute("data-seq"))) details.open = true;
      }
      if (key === undefined) continue;
      for (const candidate of el.querySelectorAll("[data-key]")) {
        if (candidate instanceof HTMLElement && candidate.dataset.key === key) {
          candidate.focus();
          break;
        }
      }
    }
  }

  function filterQuery() {
    if (!(filterForm instanceof HTMLFormElement)) return "";
    const params = new URLSearchParams();
    for (const [k, v] of new FormData(filterForm)) {
      if (typeof v === "string" && v.trim() !== "" && !(k === "outcome" && v === "all"))
        params.set(k, v.trim());
    }
    const query = params.toString();
    return query === "" ? "" : `?${query}`;
  }

  function schedule() {
    clearTimeout(timer);
    if (liveToggle instanceof HTMLInputElement && !liveToggle.checked) return;
    if (document.hidden) return;
    timer = setTimeout(refresh, pollMs);
  }

  async function refresh() {
    if (inflight) {
      again = true;
      return;
    }
    if (tokenRequired && (token() === "" || tokenRefused)) {
      clearTimeout(timer);
      return;
    }
    inflight = true;
    try {
      const res = await fetch(`${LIVE}${filterQuery()}`, {
        headers: headers(false),
        cache: "no-store",
        credentials: "same-origin",
      });
      if (res.status === 401) {
        tokenRefused = true;
        lockSections("The control plane refused this token: enter the right one above.");
        if (tokenState !== null) tokenState.textContent = "Token refused.";
        say("The control plane refused the admin token.", "error");
        return;
      }
      if (!res.ok) {
        say(`The dashboard could not be refreshed (HTTP ${res.status}).`, "error");
        return;
      }
      const data = await res.json();
      apply(data.sections);
      if (updated !== null) updated.textContent = `emulator time ${String(data.now).slice(11, 19)} UTC`;
      if (statusLine?.dataset.kind === "offline") say("The emulator answers again.", "ok");
    } catch (err) {
      say(`The emulator does not answer (${err instanceof Error ? err.message : String(err)}).`, "offline");
    } finally {
      inflight = false;
      if (again) {
        again = false;
        refresh();
      } else schedule();
    }
  }

  /** One control-plane call; its outcome goes to the status line, then the page is refreshed. */
  async function call(method, path, payload, what) {
    if (!METHODS.has(method) || !path.startsWith("/__admin/")) return;
    say(`${what}…`, "busy");
    try {
      const res = await fetch(path, {
        method,
        headers: headers(true),
        body: JSON.stringify(payload ?? {}),
        cache: "no-store",
        credentials: "same-origin",
      });
      let message = "";
      try {
        const answer = await res.json();
        if (answer !== null && typeof answer === "object" && typeof answer.error === "string")
          message = answer.error;
      } catch {
        message = "";
      }
      if (res.ok) say(`${what}: done.`, "ok");
      else if (res.status === 401)
        say(`${what}: refused, the control plane needs its admin token (401).`, "error");
      else say(`${what}: refused (${res.status}). ${message}`, "error");
      return res.ok;
    } catch (err) {
      say(
        `${what}: the emulator did not answer (${err instanceof Error ? err.message : String(err)}).`,
        "error",
      );
      return false;
    } finally {
      refresh();
    }
  }

  function value(form, name) {
    const field = form.elements.namedItem(name);
    return field instanceof HTMLInputElement || field instanceof HTMLSelectElement ? field.value.trim() : "";
  }

  function checked(form, name) {
    const field = form.elements.namedItem(name);
    return field instanceof HTMLInputElement && field.checked;
  }

  /** Each form's call. Numbers are sent as typed; the control plane checks them and names a bad field. */
  const FORMS = {
    fault(form) {
      const match = {};
      for (const k of ["api", "method", "target", "account"])
        if (value(form, k) !== "") match[k] = value(form, k);
      if (value(form, "version") !== "") match.version = Number(value(form, "version"));
      const type = value(form, "type");
      const action = { type };
      if ((type === "error" || type === "task_fail") && value(form, "code") !== "")
        action.code = Number(value(form, "code"));
      if (type === "delay" && value(form, "ms") !== "") action.ms = Number(value(form, "ms"));
      if (type.startsWith("task_") && value(form, "at_progress") !== "")
        action.at_progress = Number(value(form, "at_progress"));
      if ((type === "reset" || type === "hang" || type === "malformed") && checked(form, "apply"))
        action.apply = true;
      const rule = { match, action };
      for (const k of ["times", "skip", "probability"])
        if (value(form, k) !== "") rule[k] = Number(value(form, k));
      return ["POST", "/__admin/faults", rule, `Add a ${type} fault rule`];
    },
    advance(form) {
      const seconds = Number(value(form, "seconds"));
      return ["POST", "/__admin/clock/advance", { seconds }, `Advance the clock by ${seconds} s`];
    },
    scale(form) {
      const kind = value(form, "kind");
      const scale = kind === "factor" ? Number(value(form, "factor")) : kind;
      return ["POST", "/__admin/clock", { time_scale: scale }, `Set the time scale to ${scale}`];
    },
    reset(form) {
      const options = {};
      if (checked(form, "faults")) options.faults = true;
      if (checked(form, "journal")) options.journal = true;
      return ["POST", "/__admin/reset", options, "Reset to the fixture"];
    },
    snapshot(form) {
      const name = value(form, "name");
      return ["POST", "/__admin/snapshots", { name }, `Take snapshot ${name}`];
    },
  };

  // "Copy as curl": the line is on the button, secrets already left out by the server.
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button.copy-curl") : null;
    if (!(button instanceof HTMLButtonElement)) return;
    const line = button.dataset.curl ?? "";
    navigator.clipboard.writeText(line).then(
      () => say("Copied the request as curl (set $SID, $SYNOTOKEN and $PASSWORD where it uses them).", "ok"),
      () => say("The browser refused the clipboard: select the curl line below the button.", "error"),
    );
  });

  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button[data-path]") : null;
    if (!(button instanceof HTMLButtonElement)) return;
    const { method = "", path = "", body: text = "", what = "Action" } = button.dataset;
    call(method, path, text === "" ? undefined : JSON.parse(text), what);
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const name = form.dataset.form ?? "";
    if (!Object.hasOwn(FORMS, name)) return;
    const build = FORMS[name];
    event.preventDefault();
    const [method, path, payload, what] = build(form);
    call(method, path, payload, what).then((ok) => {
      if (ok && form.dataset.form === "snapshot") form.reset();
    });
  });

  if (filterForm instanceof HTMLFormElement) {
    let debounce;
    const onFilter = () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => {
        history.replaceState(null, "", `${location.pathname}${filterQuery()}${location.hash}`);
        refresh();
      }, 200);
    };
    filterForm.addEventListener("input", onFilter);
    filterForm.addEventListener("submit", (event) => {
      event.preventDefault();
      onFilter();
    });
  }

  const tokenForm = document.getElementById("token-form");
  if (tokenForm instanceof HTMLFormElement) {
    if (tokenState !== null && token() !== "") tokenState.textContent = "Token set for this tab.";
    tokenForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const t = value(tokenForm, "token");
      if (t === "") return;
      sessionStorage.setItem(TOKEN_KEY, t);
      tokenForm.reset();
      tokenRefused = false;
      if (tokenState !== null) tokenState.textContent = "Token set for this tab.";
      say("Admin token set for this tab.", "ok");
      refresh();
    });
    document.getElementById("forget-token")?.addEventListener("click", () => {
      sessionStorage.removeItem(TOKEN_KEY);
      tokenRefused = false;
      if (tokenState !== null) tokenState.textContent = "No token entered.";
      lockSections("This control plane needs its admin token: enter it above to see the emulated cluster.");
      say("Admin token forgotten.", "ok");
    });
  }

  if (liveToggle instanceof HTMLInputElement) {
    liveToggle.addEventListener("change", () => (liveToggle.checked ? refresh() : clearTimeout(timer)));
  }
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) refresh();
  });

  // Actions work only with this script: enable them now it runs.
  for (const fieldset of document.querySelectorAll("fieldset.needs-script")) fieldset.disabled = false;
  for (const el of document.querySelectorAll(".needs-script[hidden]")) el.hidden = false;
  refresh();
})();
