"""British English as Django has it, except what is typed into date fields: ISO first.

The admin's calendar widget and its "Today" link write the first input format, and HTML date
inputs need it in their value; "02/03/2026" is 2 March to some readers and 3 February to others.
Day-first dates are still accepted as typed.
"""

from django.conf.locale.en_GB.formats import DATE_INPUT_FORMATS as _BRITISH

DATE_INPUT_FORMATS = ["%Y-%m-%d", *_BRITISH]
