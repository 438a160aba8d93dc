"""The Gradio Blocks: chat with cited sources, findings explorer, documents. Builds the app; never launches it.

The handlers here only move values between components and the plain functions in app.chat,
app.findings, app.export and app.workspace, which the tests call without a browser.
"""

# No `from __future__ import annotations` here: Gradio reads the gr.EventData / gr.SelectData hints of the
# handlers at runtime, and they must be real classes.

from pathlib import Path

from app import chat, render
from app.findings import IMPROVE, FINDING, council_vs_inspectors, recurring, select, to_csv
from app.findings_view import TABLE_HEADERS, comparison_html, recurring_html, table_rows
from app.themes import THEME_NAMES
from app.workspace import UPLOAD_TYPES, Workspace
from index.types import DOC_TYPES

STATIC = Path(__file__).parent / "static"
ANY = chat.ANY

# Clicks on any element carrying data-cite inside an HTML component are sent to Python as a
# "click" event with {cite: key}; everything else in the component is inert text.
CLICK_JS = """
if (!element.__iqaBound) {
  element.__iqaBound = true;
  element.addEventListener('click', (e) => {
    const b = e.target.closest('[data-cite]');
    if (b && element.contains(b)) { e.preventDefault(); trigger('click', {cite: b.dataset.cite}); }
  });
}
"""


def launch_options() -> dict:
    """Theme, CSS and head for ``Blocks.launch`` (Gradio 6 takes them there): system fonts only."""
    import gradio as gr

    theme = gr.themes.Base(
        primary_hue="blue", neutral_hue="slate",
        font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"])
    return {"theme": theme, "css": (STATIC / "app.css").read_text(encoding="utf-8"),
            "head": (STATIC / "head.html").read_text(encoding="utf-8")}


def _authorities(ws: Workspace) -> list[str]:
    return sorted({a for m, _ in ws.documents() for a in (m.authorities or (m.authority,)) if a})


def _doc_types(ws: Workspace) -> list[str]:
    present = {m.doc_type for m, _ in ws.documents()}
    return [t for t in DOC_TYPES if t in present]


def _years(ws: Workspace) -> list[str]:
    return sorted({f.year for f in ws.findings() if f.year}, reverse=True)


def _examples(ws: Workspace) -> list[str]:
    recs = [(r.authority, r.theme, r.first.year, r.again.year) for r in recurring(ws.findings())]
    return chat.example_questions(ws.documents(), ws.areas(), ws.settings.home_authority, topics=ws.topics(),
                                  recurrences=recs)


def _doc_rows(ws: Workspace) -> list[list]:
    rows = []
    for m, n in ws.documents():
        visit = f"{render.human_date(m.visit_start)} – {render.human_date(m.visit_end)}" if m.visit_start else ""
        rows.append([m.title or m.doc, m.doc_type, m.authority or "", render.human_date(m.date), visit,
                     ", ".join(m.inspectors), n, m.doc])
    return rows


def build_app(ws: Workspace):
    """The app's Blocks for ``ws``; launch it with ``app.server.launch`` (or ``demo.launch(**launch_options())``)."""
    import gradio as gr
    from app.export import evidence_docx, evidence_markdown

    n_docs = len(ws.documents())
    # delete_cache: Gradio's copies of uploads and downloads older than a day go, checked hourly.
    with gr.Blocks(title="Inspection documents assistant", analytics_enabled=False,
                   delete_cache=(3600, 86400)) as demo:
        header = gr.HTML(render.header_html(n_docs), js_on_load=None, elem_id="iqa-header")
        turns = gr.State([])
        with gr.Tabs():
            # -- chat ----------------------------------------------------------------------
            with gr.Tab("Ask", id="ask"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        with gr.Group():
                            with gr.Row():
                                authority = gr.Dropdown([ANY] + _authorities(ws), value=ANY, label="Authority",
                                                        elem_id="iqa-f-authority")
                                doc_type = gr.Dropdown([ANY] + _doc_types(ws), value=ANY, label="Document type",
                                                       elem_id="iqa-f-doctype")
                                since = gr.Textbox(label="From (YYYY-MM-DD or year)", placeholder="e.g. 2018",
                                                   elem_id="iqa-f-since")
                                until = gr.Textbox(label="Until (YYYY-MM-DD or year)", placeholder="e.g. 2022-12-31",
                                                   elem_id="iqa-f-until")
                            status = gr.HTML(render.status_html(chat.make_filters(None, None, None, None)),
                                             elem_id="iqa-filter-status", js_on_load=None)
                        conversation = gr.HTML(render.conversation_html([]), elem_id="iqa-conversation",
                                               js_on_load=CLICK_JS, min_height=160, max_height=640, autoscroll=True)
                        question = gr.Textbox(label="Your question", lines=2, elem_id="iqa-question",
                                              placeholder="e.g. What did inspectors say about management oversight?")
                        with gr.Row():
                            ask_btn = gr.Button("Ask", variant="primary", elem_id="iqa-ask")
                            clear_btn = gr.Button("New conversation", elem_id="iqa-clear")
                        gr.Examples(_examples(ws), inputs=question, label="Example questions about these documents")
                        with gr.Row():
                            md_dl = gr.DownloadButton("Evidence pack (Markdown)", interactive=False, elem_id="iqa-md")
                            docx_dl = gr.DownloadButton("Evidence pack (Word)", interactive=False, elem_id="iqa-docx")
                    with gr.Column(scale=2):
                        source = gr.HTML(render.source_html(None, None), elem_id="iqa-source", js_on_load=None)

            # -- findings explorer ---------------------------------------------------------
            with gr.Tab("Findings explorer", id="findings"):
                gr.HTML('<p class="iqa-intro">Every improvement point and key finding in the documents, with its '
                        'theme. Click a row to read the passage in its document.</p>', js_on_load=None)
                with gr.Row():
                    f_theme = gr.Dropdown([ANY] + list(THEME_NAMES), value=ANY, label="Theme", elem_id="iqa-x-theme")
                    f_authority = gr.Dropdown([ANY] + _authorities(ws), value=ANY, label="Authority",
                                              elem_id="iqa-x-authority")
                    f_year = gr.Dropdown([ANY] + _years(ws), value=ANY, label="Year", elem_id="iqa-x-year")
                    f_kind = gr.Dropdown([ANY, IMPROVE, FINDING], value=ANY, label="Kind", elem_id="iqa-x-kind")
                shown = gr.State([])
                count = gr.HTML(js_on_load=None, elem_id="iqa-x-count")
                table = gr.Dataframe(headers=TABLE_HEADERS, interactive=False, wrap=True, elem_id="iqa-x-table",
                                     max_height=460, column_widths=["9%", "8%", "10%", "9%", "12%", "40%", "12%"])
                csv_dl = gr.DownloadButton("Export this table as CSV", elem_id="iqa-x-csv")
                finding_source = gr.HTML(render.source_html(None, None), elem_id="iqa-x-source", js_on_load=None)
                gr.HTML("<h3>Recurring findings</h3>", js_on_load=None)
                recur = gr.HTML(elem_id="iqa-x-recurring", js_on_load=CLICK_JS)
                gr.HTML("<h3>The council’s own view beside the inspectors’</h3>", js_on_load=None)
                compare = gr.HTML(elem_id="iqa-x-compare", js_on_load=CLICK_JS)

            # -- documents -----------------------------------------------------------------
            with gr.Tab("Documents", id="documents"):
                docs_table = gr.Dataframe(_doc_rows(ws), interactive=False, wrap=True, elem_id="iqa-docs",
                                          headers=["Title", "Type", "Authority", "Date", "Visit", "Inspectors",
                                                   "Passages", "File"],
                                          column_widths=["24%", "11%", "11%", "10%", "14%", "14%", "6%", "10%"])
                upload = gr.File(file_count="multiple", file_types=list(UPLOAD_TYPES), elem_id="iqa-upload",
                                 label=f"Add documents ({', '.join(t.lstrip('.') for t in UPLOAD_TYPES)})")
                ingest_btn = gr.Button("Add to the library", variant="primary", elem_id="iqa-ingest")
                upload_status = gr.HTML(elem_id="iqa-upload-status", js_on_load=None)

        # -- chat handlers ---------------------------------------------------------------------
        def on_filters(a, d, s, u):
            try:
                return render.status_html(chat.make_filters(a, d, s, u))
            except chat.FilterError as err:
                return render.status_html(None, str(err))

        for box in (authority, doc_type):
            box.change(on_filters, [authority, doc_type, since, until], status, queue=False, api_visibility="private")
        for box in (since, until):
            box.blur(on_filters, [authority, doc_type, since, until], status, queue=False, api_visibility="private")

        def on_ask(q, a, d, s, u, history):
            q = (q or "").strip()
            if not q:
                yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
                return
            try:
                filters = chat.make_filters(a, d, s, u)
            except chat.FilterError as err:
                yield gr.skip(), gr.skip(), gr.skip(), render.status_html(None, str(err)), gr.skip(), gr.skip()
                return
            history = list(history or [])
            partial = ""
            yield (render.conversation_html(history, (q, "")), gr.skip(), "", render.status_html(filters),
                   gr.skip(), gr.skip())
            for item in chat.run_turn(ws.assistant, q, filters, history):
                if isinstance(item, str):
                    partial += item
                    yield (render.conversation_html(history, (q, partial)), gr.skip(), "", gr.skip(), gr.skip(),
                           gr.skip())
                else:
                    history.append(item)
            md = ws.export_path("evidence-pack.md")
            md.write_text(evidence_markdown(history), encoding="utf-8")
            docx = evidence_docx(history, ws.export_path("evidence-pack.docx"))
            yield (render.conversation_html(history), history, "", gr.skip(),
                   gr.DownloadButton(value=str(md), interactive=True),
                   gr.DownloadButton(value=str(docx), interactive=True))

        ask_inputs = [question, authority, doc_type, since, until, turns]
        ask_outputs = [conversation, turns, question, status, md_dl, docx_dl]
        ask_btn.click(on_ask, ask_inputs, ask_outputs, api_visibility="private", concurrency_limit=4)
        question.submit(on_ask, ask_inputs, ask_outputs, api_visibility="private", concurrency_limit=4)

        def on_clear():
            return (render.conversation_html([]), [], render.source_html(None, None),
                    gr.DownloadButton(value=None, interactive=False), gr.DownloadButton(value=None, interactive=False))

        clear_btn.click(on_clear, None, [conversation, turns, source, md_dl, docx_dl], api_visibility="private")

        def on_cite(history, evt: gr.EventData):
            key = str(getattr(evt, "cite", ""))  # sent by CLICK_JS as trigger('click', {cite: key})
            passage = chat.resolve(history or [], key)
            if passage is None:
                return gr.skip()
            turn, kind, n = key.split(":")
            heading = (f"Related passage (not cited) — question {int(turn) + 1}" if kind == "r"
                       else f"Source [{n}] of the answer to question {int(turn) + 1}")
            quotes = chat.quotes_for(history, key)
            return render.source_html(passage, ws.document_text(passage.doc), heading, quotes)

        conversation.click(on_cite, [turns], source, api_visibility="private", queue=False)

        # -- findings handlers -----------------------------------------------------------------
        def on_findings(theme, auth, year, kind):
            every = ws.findings()
            pick = lambda v: None if not v or v == ANY else v  # noqa: E731
            rows = select(every, pick(theme), pick(auth), pick(year), pick(kind))
            index = {id(f): i for i, f in enumerate(every)}
            keys = [index[id(f)] for f in rows]
            recs = [r for r in recurring(every) if (not pick(auth) or r.authority == pick(auth))
                    and (not pick(theme) or r.theme == pick(theme))]
            council, inspectors = council_vs_inspectors(every, pick(theme), pick(auth)) if pick(theme) else ([], [])
            csv_path = ws.export_path("findings.csv")
            csv_path.write_text(to_csv(rows), encoding="utf-8")
            return (table_rows(rows), keys, f'<p class="iqa-count">{len(rows)} of {len(every)} findings shown</p>',
                    str(csv_path), recurring_html(recs, index),
                    comparison_html(pick(theme), council, inspectors, index))

        f_inputs = [f_theme, f_authority, f_year, f_kind]
        f_outputs = [table, shown, count, csv_dl, recur, compare]
        for box in f_inputs:
            box.change(on_findings, f_inputs, f_outputs, api_visibility="private")
        demo.load(on_findings, f_inputs, f_outputs, api_visibility="private")

        def open_finding(key: int, heading: str):
            every = ws.findings()
            if not 0 <= key < len(every):
                return gr.skip()
            f = every[key]
            passage = ws.passage_for(f.doc, f.start, f.end)
            return render.source_html(passage, ws.document_text(f.doc), heading)

        def on_row(keys, evt: gr.SelectData):
            row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
            if not keys or row is None or row >= len(keys):
                return gr.skip()
            return open_finding(keys[row], "Finding")

        table.select(on_row, [shown], finding_source, api_visibility="private")

        def on_finding_click(evt: gr.EventData):
            key = str(getattr(evt, "cite", ""))
            if not key.startswith("f:") or not key[2:].isdigit():
                return gr.skip()
            return open_finding(int(key[2:]), "Finding")

        recur.click(on_finding_click, None, finding_source, api_visibility="private", queue=False)
        compare.click(on_finding_click, None, finding_source, api_visibility="private", queue=False)

        # -- documents handlers ----------------------------------------------------------------
        def on_ingest(files, progress=gr.Progress()):
            paths = [getattr(f, "name", f) for f in (files or [])]
            if not paths:
                return (gr.skip(),) * 6 + ('<div class="iqa-warn">Choose one or more files first.</div>', gr.skip())
            progress(0, desc="Reading the files")
            report = ws.add_files(paths, progress=lambda name, done, total: progress(
                done / max(total, 1), desc=f"Ingested {done} of {total}: {name}"))
            auths = [ANY] + _authorities(ws)
            return (_doc_rows(ws), gr.Dropdown(choices=auths), gr.Dropdown(choices=[ANY] + _doc_types(ws)),
                    gr.Dropdown(choices=auths), gr.Dropdown(choices=[ANY] + _years(ws)), None,
                    render.upload_html(report), render.header_html(len(ws.documents())))

        ingest_btn.click(on_ingest, upload, [docs_table, authority, doc_type, f_authority, f_year, upload,
                                             upload_status, header], api_visibility="private").then(
            on_findings, f_inputs, f_outputs, api_visibility="private")

        # -- API -------------------------------------------------------------------------------
        def ask(question: str, authority: str = "", doc_type: str = "", since: str = "", until: str = "",
                history: list[str] | None = None) -> dict:
            """Answer a question with cited passages: the same JSON object as `inspection-qa ask --json`."""
            filters = chat.make_filters(authority or None, doc_type or None, since, until)
            return ws.assistant.ask(question, filters=filters, history=list(history or [])).to_json()

        gr.api(ask, api_name="ask", concurrency_limit=4)
    return demo
