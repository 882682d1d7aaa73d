"""Drop repeated inline <script> blocks from the pages.

With Sphinx 7, sphinx-thebe and sphinx-togglebutton add their inline configuration
scripts after the HTML builder has started, and each ends up twice in every page;
the second ``const THEBE_JS_URL`` is a JavaScript error in the reader's console.
This extension removes exact repeats just before a page is written.
"""


def _drop_repeats(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        # the same inline script can come once with filename None and once with ""
        key = (
            str(getattr(script, "filename", script) or ""),
            repr(sorted(getattr(script, "attributes", {}).items())),
        )
        if key not in seen:
            seen.add(key)
            unique.append(script)
    # in place: the list is the builder's own, and extensions that run later (MathJax's, which
    # adds its script only to pages with formulas) append to it; a new list would lose them
    context["script_files"][:] = unique
    # no return value: html-page-context stops at the first handler that returns one


def setup(app):
    app.connect("html-page-context", _drop_repeats, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
