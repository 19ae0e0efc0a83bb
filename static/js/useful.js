/* "Vond je dit artikel nuttig?": vote without a reload. Without this script the
   forms post normally and the article page shows the thanks via its #anchor. */
(function () {
  "use strict";
  var block = document.querySelector("[data-useful]");
  if (!block || !window.fetch) return;

  function show(name, text) {
    block.querySelectorAll("[data-panel]").forEach(function (panel) {
      panel.classList.toggle("is-open", panel.dataset.panel === name);
    });
    if (text) block.querySelector('[data-panel="' + name + '"]').textContent = text;
  }

  function send(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    return fetch(form.action, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          var refusal = new Error(body.error || block.dataset.errorMessage);
          refusal.fromServer = true;
          refusal.fieldErrors = body.errors;
          throw refusal;
        }
        return body;
      });
    });
  }

  /* The reason form stays open: each message under its field, all of them read out
     (and shown here too when one has no field of its own). */
  function showReasonErrors(form, errors) {
    var marked = window.kopijFieldErrors.show(form, errors);
    var summary = form.querySelector("[data-reason-errors]");
    summary.textContent = Object.keys(errors).map(function (name) {
      return errors[name].join(" ");
    }).join(" ");
    summary.classList.toggle("visually-hidden", marked.allPlaced);
    if (marked.first) marked.first.focus();
  }

  block.addEventListener("submit", function (event) {
    var form = event.target;
    event.preventDefault();
    var vote = form.hasAttribute("data-useful-vote");
    if (!vote) {
      window.kopijFieldErrors.clear(form);
      form.querySelector("[data-reason-errors]").textContent = "";
    }
    send(form, event.submitter)
      .then(function (body) {
        if (vote) {
          form.querySelectorAll("button").forEach(function (button) {
            button.setAttribute("aria-pressed", String(button === event.submitter));
          });
        }
        show(body.ask_reason ? "reason" : "thanks");
        if (body.ask_reason) block.querySelector('[data-useful-reason] input[type="radio"]').focus();
      })
      .catch(function (error) {
        if (error.fieldErrors && !vote) {
          showReasonErrors(form, error.fieldErrors);
          return;
        }
        // Network failures and non-JSON answers get our own Dutch message.
        show("error", error.fromServer ? error.message : block.dataset.errorMessage);
      });
  });
})();
