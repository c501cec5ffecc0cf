/* SIEE: the little JavaScript the UI needs beyond htmx. No inline scripts, works without it. */
(function () {
  "use strict";
  function closest(el, sel) { return el && el.closest ? el.closest(sel) : null; }

  document.addEventListener("click", function (ev) {
    var toggle = closest(ev.target, "[data-nav-toggle]");
    if (toggle) {
      var nav = document.getElementById(toggle.getAttribute("aria-controls"));
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      return;
    }
    var choice = closest(ev.target, "[data-ac-choice]");
    if (choice) {
      ev.preventDefault();
      var box = closest(choice, "[data-ac]");
      var id = choice.getAttribute("data-id"), label = choice.getAttribute("data-label");
      var input = box.querySelector("[data-ac-input]");
      var results = box.querySelector(".ac-results");
      if (box.hasAttribute("data-multiple")) {
        var chips = box.querySelector(".chips");
        if (!chips.querySelector('input[value="' + id + '"]')) {
          var chip = document.createElement("span");
          chip.className = "chip";
          chip.textContent = label + " ";
          var hidden = document.createElement("input");
          hidden.type = "hidden"; hidden.name = box.getAttribute("data-name"); hidden.value = id;
          var rm = document.createElement("button");
          rm.type = "button"; rm.setAttribute("data-chip-remove", ""); rm.setAttribute("aria-label", box.getAttribute("data-remove-label") || "x");
          rm.textContent = "\u00d7";
          chip.appendChild(hidden); chip.appendChild(rm); chips.appendChild(chip);
        }
        input.value = "";
      } else {
        box.querySelector("input[type=hidden][data-ac-value]").value = id;
        input.value = label;
        input.setAttribute("data-chosen-label", label);
        var chosen = box.querySelector(".ac-chosen");
        if (chosen) { chosen.textContent = (chosen.getAttribute("data-prefix") || "") + label; }
      }
      results.innerHTML = "";
      input.focus();
      return;
    }
    var rmBtn = closest(ev.target, "[data-chip-remove]");
    if (rmBtn) { ev.preventDefault(); rmBtn.parentNode.remove(); }
  });

  /* Typing in a single-choice box invalidates the previous choice until one is picked again. */
  document.addEventListener("input", function (ev) {
    var input = ev.target;
    if (!input.hasAttribute || !input.hasAttribute("data-ac-input")) { return; }
    var box = closest(input, "[data-ac]");
    if (box && !box.hasAttribute("data-multiple")) {
      var hidden = box.querySelector("input[type=hidden][data-ac-value]");
      if (hidden && hidden.value && input.value !== input.getAttribute("data-chosen-label")) {
        hidden.value = "";
        var chosen = box.querySelector(".ac-chosen");
        if (chosen) { chosen.textContent = ""; }
      }
    }
  });

  /* The autocomplete endpoint always reads `q`, whatever the text input is called. */
  document.addEventListener("htmx:configRequest", function (ev) {
    var elt = ev.detail.elt;
    if (elt && elt.hasAttribute && elt.hasAttribute("data-ac-input")) {
      var params = ev.detail.parameters;
      if (elt.name && elt.name !== "q") { delete params[elt.name]; }
      params.q = elt.value;
      params.kind = elt.getAttribute("data-kind") || "";
    }
  });

  document.addEventListener("change", function (ev) {
    if (ev.target.hasAttribute && ev.target.hasAttribute("data-autosubmit")) { ev.target.form.submit(); }
  });
})();
