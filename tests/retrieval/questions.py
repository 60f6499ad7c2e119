"""Questions about the corpus with the words that prove a passage answers them.

Used by ``test_quality.py`` (evidence in the top 5, MRR@10) and ``bench/search_bench.py``.
Evidence is matched case-insensitively after collapsing whitespace.
"""

from __future__ import annotations

# (question, source file, evidence substring)
QUESTIONS: tuple[tuple[str, str, str], ...] = (
    ("LAC budget", "foi-2015-leicester-city-looked-after-children.docx", "£26,462,900"),
    ("What was the budget for looked after children in 2015-16?", "foi-2015-leicester-city-looked-after-children.docx", "£26,021,400"),
    ("CLA 31 March 2020", "cic-health-annual-report-2019-20.pdf", "657"),
    ("How many children were in care in Leicestershire on 31 March 2020?", "cic-health-annual-report-2019-20.pdf", "657"),
    ("number of looked after children in Leicester in 2014", "foi-2015-leicester-city-looked-after-children.docx", "530 LAC"),
    ("Who heads the virtual school in Leicester City?", "foi-2015-leicester-city-looked-after-children.docx", "Patrick Finegan"),
    ("How many staff work directly with looked after children?", "foi-2015-leicester-city-looked-after-children.docx", "233.69"),
    ("software used to manage LAC data", "foi-2015-leicester-city-looked-after-children.docx", "Liquid Logic"),
    ("How many children under 17 are placed in Ofsted residential children's homes on spot purchase?", "foi-leicester-city-lac-residential-placements.pdf", "62"),
    ("Does Leicester use a framework for residential placements?", "foi-leicester-city-lac-residential-placements.pdf", "framework"),
    ("email address for placement referrals", "foi-leicester-city-lac-residential-placements.pdf", "placements.desk@leicester.gov.uk"),
    ("What was the Ofsted ILACS overall effectiveness judgement?", "cfosc-2020-01-21-agenda-pack.pdf", "requires improvement"),
    ("How were services for children in care and care leavers rated by Ofsted?", "cfosc-2020-01-21-agenda-pack.pdf", "care leavers"),
    ("High Needs Block cumulative deficit forecast peak", "cfosc-2020-01-21-agenda-pack.pdf", "£13.5m"),
    ("MTFS growth for social care placements", "cfosc-2020-01-21-agenda-pack.pdf", "Social Care Placements"),
    ("UASC budget growth", "cfosc-2020-01-21-agenda-pack.pdf", "Unaccompanied Asylum Seeking Children"),
    ("proposed net budget for children and family services 2020/21", "cfosc-2020-01-21-agenda-pack.pdf", "£90.9m"),
    ("council tax exemption for care leavers", "cfosc-2020-01-21-agenda-pack.pdf", "council tax"),
    ("loss of the SEND reform grant", "cfosc-2020-01-21-agenda-pack.pdf", "SEND Reform Grant"),
    ("Leicestershire LAC number at 31/3/2019", "cfosc-2020-01-21-agenda-pack.pdf", "585"),
    ("immunisation rate for children in care 2019/20", "cic-health-annual-report-2019-20.pdf", "90.4%"),
    ("average SDQ score for children in care", "cic-health-annual-report-2019-20.pdf", "remained constant"),
    ("strengths and difficulties questionnaire completion rate", "cic-health-annual-report-2019-20.pdf", "83%"),
    ("How many unaccompanied asylum seeking children were in care in March 2020?", "cic-health-annual-report-2019-20.pdf", "105"),
    ("What share of children in care are in family-based placements?", "cic-health-annual-report-2019-20.pdf", "family-based placements"),
    ("children in care per 10,000 children compared with statistical neighbours", "cic-health-annual-report-2019-20.pdf", "46.9"),
    ("How many children of statutory school age were in care at the end of 2017-18?", "cfosc-2018-11-05-virtual-school-report.pdf", "348"),
    ("What proportion of the virtual school cohort had an EHCP?", "cfosc-2018-11-05-virtual-school-report.pdf", "27%"),
    ("How does the virtual school monitor Pupil Premium Plus spending?", "cfosc-2018-11-05-virtual-school-report.pdf", "Pupil Premium"),
    ("most common reason for children becoming looked after", "cfosc-2018-11-05-virtual-school-report.pdf", "abuse and/or neglect"),
    ("post-16 education improvement officers NEET", "cfosc-2018-11-05-virtual-school-report.pdf", "post-16"),
    ("attachment awareness training impact on behaviour", "cfosc-2018-11-05-virtual-school-report.pdf", "89%"),
)  # fmt: skip
