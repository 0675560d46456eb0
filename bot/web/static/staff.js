// Orienta staff page: the queue of requests for a person, their transcripts, reply and close.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  let ui = { strings: {} };
  const drafts = {};
  const auth = () => {
    const token = sessionStorage.getItem("orienta-staff-token");
    return token ? { Authorization: "Bearer " + token } : {};
  };

  async function api(path, options) {
    const response = await fetch(path, { ...options, headers: { "Content-Type": "application/json", ...auth(), ...(options || {}).headers } });
    if (response.status === 401) {
      $("login").hidden = false; $("status").textContent = ui.strings.token_needed;
      throw new Error("401");
    }
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
  }

  function line(sender, text, direction) {
    const div = document.createElement("div");
    div.className = "message " + (sender === "user" ? "user" : sender === "staff" ? "staff" : "bot");
    div.dir = direction;
    div.textContent = (ui.strings["sender." + sender] || sender) + ": " + text;
    return div;
  }

  function render(handoffs) {
    const queue = $("queue");
    for (const input of queue.querySelectorAll("textarea")) drafts[input.dataset.id] = input.value;
    queue.replaceChildren();
    if (!handoffs.length) { $("status").textContent = ui.strings.queue_empty; return; }
    $("status").textContent = "";
    for (const h of handoffs) {
      const section = document.createElement("section");
      section.className = "handoff"; section.setAttribute("aria-labelledby", "h" + h.id);
      const title = document.createElement("h2");
      title.id = "h" + h.id;
      if (h.urgent) section.classList.add("urgent");
      title.textContent = (h.urgent ? "⚠️ " + ui.strings.urgent + " · " : "") + "#" + h.id + " · " + h.channel + " · " + h.language_name + " · " +
        ui.strings.opened_at.replace("{time}", new Date(h.opened_at).toLocaleString(ui.language));
      const transcript = document.createElement("div");
      transcript.className = "log"; transcript.setAttribute("role", "log");
      for (const l of h.transcript) transcript.appendChild(line(l.sender, l.text, l.sender === "staff" ? "auto" : h.direction));
      const form = document.createElement("form");
      form.className = "composer";
      const input = document.createElement("textarea");
      input.dataset.id = h.id; input.required = true; input.value = drafts[h.id] || "";
      input.placeholder = ui.strings.reply_placeholder; input.setAttribute("aria-label", ui.strings.reply_placeholder);
      const send = document.createElement("button"); send.type = "submit"; send.textContent = ui.strings.send;
      const close = document.createElement("button"); close.type = "button"; close.className = "secondary"; close.textContent = ui.strings.close;
      form.append(input, send, close);
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        try {
          await api("/api/staff/handoffs/" + h.id + "/reply", { method: "POST", body: JSON.stringify({ text: input.value }) });
          drafts[h.id] = ""; input.value = ""; refresh();
        } catch (error) { $("status").textContent = ui.strings.not_delivered_web; }
      });
      close.addEventListener("click", async () => { await api("/api/staff/handoffs/" + h.id + "/close", { method: "POST", body: "{}" }); refresh(); });
      section.append(title, transcript, form);
      queue.appendChild(section);
    }
  }

  async function refresh() {
    if (document.activeElement && document.activeElement.tagName === "TEXTAREA") return;
    try { render((await api("/api/staff/handoffs")).handoffs); } catch (error) { /* shown by api */ }
  }

  $("login").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem("orienta-staff-token", $("token").value);
    $("login").hidden = true; refresh();
  });

  fetch("/api/staff/ui").then((r) => r.json()).then((data) => {
    ui = data;
    document.documentElement.lang = data.language; document.documentElement.dir = data.direction;
    document.title = data.strings.page_title; $("title").textContent = data.strings.page_title;
    $("token-label").textContent = data.strings.token;
    if (data.token_required && !sessionStorage.getItem("orienta-staff-token")) $("login").hidden = false;
    refresh(); setInterval(refresh, 4000);
  });
})();
