/* The article change page opened from a typo report: highlight the reader's quote in the
   body editor (CSS Custom Highlight API: the editor's own DOM is left untouched). */
(function () {
  "use strict";
  var panel = document.querySelector("[data-typo-quote]");
  if (!panel || !window.CSS || !CSS.highlights || typeof Highlight === "undefined") return;
  var quote = panel.getAttribute("data-typo-quote");
  var scrolled = false;

  function find(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var nodes = [], text = "", node;
    while ((node = walker.nextNode())) {
      nodes.push({ node: node, start: text.length });
      text += node.data;
    }
    // The quote was stored with single spaces; the text may have other white space.
    var pattern = quote.split(/\s+/).map(function (word) {
      return word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("\\s+");
    var match = new RegExp(pattern).exec(text);
    if (!match) return null;
    var end = match.index + match[0].length, range = document.createRange();
    nodes.forEach(function (item) {
      var stop = item.start + item.node.data.length;
      if (item.start <= match.index && match.index < stop) range.setStart(item.node, match.index - item.start);
      if (item.start < end && end <= stop) range.setEnd(item.node, end - item.start);
    });
    return range;
  }

  function highlight() {
    var editor = document.querySelector(".ProseMirror[contenteditable]");
    if (!editor) return false;
    var range = find(editor);
    CSS.highlights.delete("typo-quote");
    if (!range) return true;
    CSS.highlights.set("typo-quote", new Highlight(range));
    if (!scrolled) {
      scrolled = true;
      var box = range.getBoundingClientRect();
      window.scrollTo({ top: window.scrollY + box.top - window.innerHeight / 3 });
    }
    return true;
  }

  // The editor is built by its own script: wait for it, then follow every edit.
  var observer = new MutationObserver(function () { highlight(); });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  highlight();
})();
