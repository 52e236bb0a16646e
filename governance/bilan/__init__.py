"""The annual bilan: actions (request, claim, advance, complete, fail, validate), the generation
task, the snapshot of the figures, the PDF rendering, and its pages, API, forms and admin."""
