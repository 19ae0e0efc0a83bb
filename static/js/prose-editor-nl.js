/* The body editor's toolbar in the page's language. django-prose-editor translates its
   dialogs through window.gettext (our JavaScript catalogue) but builds the toolbar's
   tooltips and block names from fixed English strings: they go through the same catalogue
   here, whenever a toolbar appears. */
(function () {
  "use strict";
  var translate = window.gettext;
  if (!translate) return;

  function put(element, name) {
    var value = element.getAttribute(name);
    if (value && translate(value) !== value) element.setAttribute(name, translate(value));
  }

  function translateMenubar(menubar) {
    menubar.querySelectorAll("[title], [aria-label]").forEach(function (element) {
      put(element, "title");
      put(element, "aria-label");
    });
    // The block-type picker lists its options as sample elements: <p>Paragraph</p>, <h2>…
    menubar.querySelectorAll(".prose-menubar__option > *").forEach(function (sample) {
      var text = sample.textContent;
      if (translate(text) !== text) sample.textContent = translate(text);
    });
  }

  function translateAll() {
    document.querySelectorAll(".prose-menubar").forEach(translateMenubar);
  }

  new MutationObserver(translateAll).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
})();
