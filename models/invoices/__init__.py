"""Invoices partners upload: the table (`invoice`), what was read (`read`), the rules that decide
what one earns (`rules`, `credits`, `fraud`), the program's `invoice:` settings and review."""
