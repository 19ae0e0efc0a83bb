/* Form errors a reader script gets back as JSON ({"errors": {"field": ["message"]}}),
   shown the way the server renders them: the message under its field, linked to it with
   aria-describedby, the field marked aria-invalid. Radio buttons share their fieldset's message. */
window.kopijFieldErrors = (function () {
  "use strict";

  function clear(form) {
    form.querySelectorAll("[data-field-error]").forEach(function (message) {
      var described = form.querySelector('[aria-describedby="' + message.id + '"]');
      if (described) described.removeAttribute("aria-describedby");
      message.remove();
    });
    form.querySelectorAll('[aria-invalid="true"]').forEach(function (field) {
      field.removeAttribute("aria-invalid");
    });
  }

  /* Marks the fields. Returns the first one, to move focus to, and whether every
     message found a visible field (if not, the caller must show the rest itself). */
  function show(form, errors) {
    clear(form);
    var first = null;
    var allPlaced = true;
    Object.keys(errors).forEach(function (name) {
      var field = form.elements[name];
      if (!field || field.type === "hidden") {
        allPlaced = false;
        return;
      }
      var inputs = field.length !== undefined && !field.tagName ? Array.prototype.slice.call(field) : [field];
      var group = inputs.length > 1 || inputs[0].type === "radio" ? inputs[0].closest("fieldset") : null;
      var anchor = group || inputs[0];
      if (!anchor.id) {
        allPlaced = false;
        return;
      }
      var message = document.createElement("p");
      message.className = "field__errors";
      message.id = anchor.id + "_error";
      message.setAttribute("data-field-error", "");
      message.textContent = errors[name].join(" ");
      if (group) group.appendChild(message);
      else anchor.insertAdjacentElement("afterend", message);
      anchor.setAttribute("aria-describedby", message.id);
      inputs.forEach(function (input) { input.setAttribute("aria-invalid", "true"); });
      if (!first) first = inputs[0];
    });
    return { first: first, allPlaced: allPlaced };
  }

  return { show: show, clear: clear };
})();
