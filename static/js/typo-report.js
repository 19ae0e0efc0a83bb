/* Typo reports: a dialog instead of the form page, and a "Meld taalfout" button
   next to text selected in the article (mouse, touch, or Ctrl+Enter). */
(function () {
  "use strict";
  var block = document.querySelector("[data-typo]");
  var body = document.querySelector(".article__body");
  var dialog = block && block.querySelector("[data-typo-dialog]");
  if (!block || !dialog || !dialog.showModal || !window.fetch) return;
  // The selection button and the dialog work from here on: say so instead of the form page.
  block.querySelector("[data-typo-without-js]").hidden = true;
  block.querySelector("[data-typo-with-js]").hidden = false;
  var form = dialog.querySelector("[data-typo-form]");
  var errors = form.querySelector("[data-typo-errors]");
  var closeButton = form.querySelector("[data-typo-close]");
  var maxQuote = form.elements.quote.maxLength > 0 ? form.elements.quote.maxLength : 500;
  closeButton.hidden = false;

  var floating = document.createElement("button");
  floating.type = "button";
  floating.className = "typo-select-button";
  floating.textContent = block.dataset.buttonLabel;
  floating.hidden = true;
  document.body.appendChild(floating);

  function selectedQuote() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !body) return "";
    var range = selection.getRangeAt(0);
    if (!body.contains(range.commonAncestorContainer)) return "";
    return selection.toString().replace(/\s+/g, " ").trim().slice(0, maxQuote);
  }

  var openLink = block.querySelector("[data-typo-open]");
  var trigger = null;

  function open(quote) {
    trigger = document.activeElement;
    floating.hidden = true;
    errors.textContent = "";
    window.kopijFieldErrors.clear(form);
    if (quote) form.elements.quote.value = quote;
    dialog.showModal();
    (quote ? form.elements.correction : form.elements.quote).focus();
  }

  function placeButton() {
    var quote = selectedQuote();
    if (!quote) {
      floating.hidden = true;
      return;
    }
    var rect = window.getSelection().getRangeAt(0).getBoundingClientRect();
    floating.hidden = false;
    var left = Math.min(rect.right + window.scrollX + 4, window.scrollX + document.documentElement.clientWidth - floating.offsetWidth - 4);
    floating.style.left = Math.max(window.scrollX + 4, left) + "px";
    floating.style.top = rect.bottom + window.scrollY + 6 + "px";
  }

  var timer;
  document.addEventListener("selectionchange", function () {
    clearTimeout(timer);
    timer = setTimeout(placeButton, 150);
  });
  // Keep the selection: a mousedown on the button would otherwise clear it first.
  floating.addEventListener("mousedown", function (event) { event.preventDefault(); });
  floating.addEventListener("click", function () { open(selectedQuote()); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !dialog.open) {
      var quote = selectedQuote();
      if (quote) {
        event.preventDefault();
        open(quote);
      }
    }
  });
  openLink.addEventListener("click", function (event) {
    event.preventDefault();
    open(selectedQuote());
  });
  closeButton.addEventListener("click", function () { dialog.close(); });
  // Escape, Cancel or a sent report: back to where the reader was. The floating button is
  // hidden by then and a Ctrl+Enter selection has no focus, so those land on the link.
  dialog.addEventListener("close", function () {
    var back = trigger && trigger !== floating && trigger !== document.body && trigger.isConnected ? trigger : openLink;
    back.focus();
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errors.textContent = "";
    window.kopijFieldErrors.clear(form);
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          if (response.ok) {
            dialog.close();
            form.reset();
            var thanks = block.querySelector('[data-panel="thanks"]');
            thanks.textContent = answer.message;
            thanks.classList.add("is-open");
            return;
          }
          if (answer.errors) {
            var marked = window.kopijFieldErrors.show(form, answer.errors);
            errors.textContent = Object.keys(answer.errors).map(function (name) {
              var label = form.querySelector('label[for="id_' + name + '"]');
              return (label ? label.textContent.replace(/:$/, "") + ": " : "") + answer.errors[name].join(" ");
            }).join(" ");
            // Read out in full; on screen each message already stands under its field.
            errors.classList.toggle("visually-hidden", marked.allPlaced);
            if (marked.first) marked.first.focus();
          } else {
            errors.classList.remove("visually-hidden");
            errors.textContent = answer.error;
          }
        });
      })
      .catch(function () {
        errors.classList.remove("visually-hidden");
        errors.textContent = block.dataset.errorMessage;
      });
  });
})();
