// The workbench's only script (the Content-Security-Policy forbids inline scripts and handlers):
// a button marked data-action="print" prints the page.
document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-action='print']") : null;
    if (target) window.print();
});
