"""Source of truth for evals/search_set.jsonl and evals/qa_set.jsonl.

Run:  .venv/bin/python evals/build_sets.py && .venv/bin/python evals/check_sets.py

Items are written by hand below from a reading of the papers; ids and the
dev/holdout split are assigned here by a fixed rule (see README.md):
  * search set: items are numbered in the order below; within each source
    document, every third item (3rd, 6th, 9th ...) is holdout.
  * QA set: within each kind, every third item (3rd, 6th, 9th ...) is holdout;
    a conversation's later turns take the split of its turn 1.
Do not reorder existing items (that would reshuffle the split); append new ones.
"""
from __future__ import annotations

import json
from pathlib import Path

EVALS = Path(__file__).resolve().parent

VS18 = "cfosc-2018-11-05-virtual-school-report.pdf"
AP = "cfosc-2020-01-21-agenda-pack.pdf"
HR = "cic-health-annual-report-2019-20.pdf"
F15 = "foi-2015-leicester-city-looked-after-children.docx"
FR = "foi-leicester-city-lac-residential-placements.pdf"


def also(source, pages, evidence):
    return {"source": source, "pages": pages, "evidence": evidence}


# ---------------------------------------------------------------- search set
# (query, style, source, pages, evidence, [also...])
SEARCH = [
    # --- agenda pack (largest document)
    ("care leaver offer", "keyword", AP, [53, 54, 55],
     "The Care Leavers Offer sets out the Council's and partners' commitment to care leavers"),
    ("ILACS judgement", "keyword", AP, [4, 28, 29, 31],
     "The experiences and progress of children in care and care leavers Good",
     [also(HR, [5, 45, 47], "The inspection found the experience of children and care leavers to be good")]),
    ("MTFS growth for social care placements", "acronym", AP, [11, 25],
     "G1 - Social Care Placements £4.25m 2020/21 rising to £13.6m in 2023/24"),
    ("Children in Care net budget 2020/21", "table", AP, [11, 23],
     "Total Children in Care 7,827,437 34,926,478 -833,500 41,920,415 -901,970 41,018,445"),
    ("LAC number at 31 March 2019 used in the budget forecast", "acronym", AP, [11],
     "Looked After Children (LAC) number at 31/3/2019 was 585"),
    ("UASC budget growth", "acronym", AP, [13, 25],
     "G9 – Unaccompanied Asylum Seeking Children £0.75m 2020/21 rising to £1.5m 2023/24"),
    ("total Dedicated Schools Grant 2020/21", "figure", AP, [15, 19],
     "Dedicated Schools Grant (DSG) (£531.461m est)."),
    ("high needs block deficit forecast", "keyword", AP, [6, 17],
     "is expected to total £19m at the end of 2020/21"),
    ("four year capital programme total", "figure", AP, [20, 21, 27],
     "capital programme totals £127.7m over the next four years"),
    ("how much have requests for EHCP assessment increased since 2017", "acronym", AP, [13],
     "increased from 669 to an estimated 1,029 (54%)"),
    ("what Ofsted said needs to improve", "natural", AP, [30, 32],
     "Planning for permanence for children whose plan is not adoption."),
    ("Vulnerability Hub child sexual exploitation missing", "keyword", AP, [29, 34],
     "The impressive Vulnerability Hub is effective in safeguarding children and young people",
     [also(HR, [43], "The impressive Vulnerability Hub is effective in safeguarding children and young")]),
    ("SEND local area inspections written statement of action", "acronym", AP, [49],
     "58 areas have been provided with a written statement of actions"),
    ("special schools rated good or outstanding", "natural", AP, [50],
     "100% of area Special Schools rated by Ofsted as Outstanding or Good"),
    ("council tax exemption for care leavers", "keyword", AP, [7, 55],
     "care leavers should be exempt from the payment of Council Tax until",
     [also(HR, [49], "people leaving care and the households they live in will pay no")]),
    ("ring-fenced apprenticeships for care leavers", "keyword", AP, [54, 56, 66],
     "ring-fence apprenticeship opportunities for Leicestershire County Council (LCC) care leavers"),
    ("are care leavers more likely to be NEET", "acronym", AP, [56],
     "likely than their peers to be not in education, employment or training (NEET)"),
    ("care leavers in education employment or training quarter 2", "figure", AP, [56],
     "60.6% (63 of 104) of care leavers were in Education Employment or training."),
    ("elective home education increase", "figure", AP, [60],
     "Leicestershire has seen a significant increase of 33.22% between 2017/18 and 2018/19"),
    ("children missing education section 436A duty", "keyword", AP, [59],
     "Local authorities have a duty under section 436A of the Education Act 1996"),
    ("KS2 results children in care 2019", "table", AP, [71],
     "KS2 Expected Standard Reading, Writing and Maths 36.8%",
     [also(HR, [34], "7/19 (36.8%) achieving the expected standard in reading, writing and maths")]),
    ("PPP top-slice by the virtual school", "acronym", AP, [67],
     "The VS top-slices £400 of PPP per eligible pupil to create a pooled resource",
     [also(HR, [30], "The VS top-slices £400 from each allocation, to create a pooled"),
      also(VS18, [5], "2018-19 funding has been top-sliced by £400 per pupil")]),
    ("fixed term exclusions of looked after children 2018-19", "figure", AP, [72],
     "decreased from 12.32% (50 pupils) in 2017-18 to 9.58% (41 pupils) in 2018-19"),
    ("how many foster carer households does Leicestershire have", "natural", AP, [8],
     "there were 133 foster carer households which provided 191 placements"),
    ("adopters approved last year", "figure", AP, [8],
     "Last year, 34 households were approved as adopters"),
    ("who chairs the children and families scrutiny committee", "natural", AP, [1],
     "Mrs. H. J. Fryer CC (Chairman)"),
    ("Ofsted inspection dates and lead inspector", "keyword", AP, [28, 31],
     "Inspection dates: 23 September 2019 to 4 October 2019 Lead inspector: Kate Malleson"),
    ("early years funding rate per hour for 3 and 4 year olds", "figure", AP, [15, 18],
     "£5.28 per hour for two year olds and £4.38 per hour for 3"),
    ("schools forum consultation on transfer to high needs block", "keyword", AP, [18],
     "103 schools responded to the consultation with 84% disagreeing with the proposal"),
    ("Staying Put implementation grant", "keyword", AP, [19],
     "Staying Put Implementation Grant (£0.09m est)"),
    ("staff sickness absence days per FTE", "acronym", AP, [14],
     "this has reduced to 9.69 days per FTE in September 2019"),
    ("persistent absence of children in care", "figure", AP, [72],
     "the percentage of pupils with persistent absence (less than 90% attendance) increased marginally to 17.99%"),
    ("new SEMH special school Shepshed free school", "acronym", AP, [20, 26],
     "£8m to build a new 50 place special school"),
    # --- health annual report
    ("number of children in care 31 March 2020", "figure", HR, [1, 13],
     "The number of children in care on 31 March 2020 was 657"),
    ("LAC rate per 10,000 compared with statistical neighbours", "acronym", HR, [1, 13],
     "This compares to an average of 52.8 looked after children per"),
    ("children in residential care", "keyword", HR, [1],
     "56 children were in residential care on the 31 March 2020"),
    ("placement stability three or more placements", "keyword", HR, [1, 18],
     "Children who have experienced 3 placements or more in the last year"),
    ("average weekly cost of an external residential placement", "table", HR, [15],
     "Residential - External 4100 213,200"),
    ("IFA placement cost per week", "acronym", HR, [15],
     "IFA 800 41,600 High Cost IFA 1100 57,200"),
    ("how many unaccompanied asylum seeking children", "natural", HR, [14],
     "UASC CIC and Care Leavers March 2020: 105"),
    ("children looked after under section 20", "keyword", HR, [13],
     "The number of children looked after under Section 20 has also increased to 144"),
    ("adoption scorecard A1 average time to move in with adoptive family", "figure", HR, [23],
     "(Adoption Scorecard indicator A1) was 487 days"),
    ("how many children came into care in 2019/20", "natural", HR, [25],
     "There were 245 admissions of children into care during 2019/20"),
    ("special guardianship orders made in care proceedings", "table", HR, [25],
     "Supervision Order 32 26 Special Guardianship Order 35 17"),
    ("immunisations up to date CLA", "acronym", HR, [3, 36],
     "Up-to-date immunisation and vaccination of CiC for 2019/20 is 90.4%"),
    ("dental checks for children in care", "keyword", HR, [3, 36],
     "87.6% of CiC received a dental check (previously 91.8%)"),
    ("annual health assessments completed", "figure", HR, [2, 36],
     "annual health assessment remains high and represents an increase on last year"),
    ("SDQ emotional wellbeing score", "acronym", HR, [39, 40],
     "The average SDQ for CiC has remained constant for 2018/19 and 2019/20"),
    ("CSE referrals by year", "table", HR, [44],
     "CSE Referrals- 2017 297 2018 247 2019 314 2020 259"),
    ("missing episodes for children in care", "table", HR, [46],
     "Total number of episodes for Leicestershire children 335 264"),
    ("care leavers in touch with the local authority", "keyword", HR, [3, 58],
     "the local authority was in touch with 267 (96%)"),
    ("Pupil Premium Plus rate 2020-21", "figure", HR, [30],
     "increased for 2020-21 to £2,345 per eligible pupil from the previous amount of £2,300"),
    ("PEP meetings held in the spring term", "acronym", HR, [29],
     "402 PEP meetings took place during the 12 weeks of spring term 2019"),
    ("independent visitors scheme", "keyword", HR, [20],
     "We currently have 40 independent visitors"),
    ("staying put arrangements", "keyword", HR, [20, 51],
     "35 Young People living in Staying Put arrangements"),
    ("kinship care compared with national rate", "natural", HR, [24],
     "21% of all looked after children/young people were in such placements"),
    ("complaints made by looked after children", "natural", HR, [59],
     "There were 5 complaints made by a Looked after Child"),
    ("Barnardo's innovation partnership hub assessment beds", "keyword", HR, [27, 61],
     "The Hub will accommodate 3 specialist beds for assessment of need"),
    ("Time 2 Spend fund", "keyword", HR, [11],
     "Each CiC can apply for up to £150 each year"),
    ("virtual school attendance before lockdown", "figure", HR, [34],
     "the overall Virtual School attendance was 93.70% a rise of 1.3%"),
    # --- 2018 virtual school report
    ("DfE funding for previously looked after children duty 2018-19", "figure", VS18, [1],
     "has allocated £45,446.37 to Leicestershire to meet the new statutory duty"),
    ("how many children of statutory school age in care 2017-18", "natural", VS18, [7],
     "there were 348 Leicestershire children of statutory school age in care"),
    ("EHCP virtual school cohort 2017", "acronym", VS18, [7],
     "ninety-four pupils (27%) had an EHCP compared with 3% of the general school population"),
    ("KS4 Attainment 8 children in care 2017", "table", VS18, [8],
     "KS4 Attainment 8 18.46 KS4 Progress 8"),
    ("fixed term exclusions rise 2017-18", "figure", VS18, [9],
     "has risen from 9.83% (forty pupils) in 2016-17 to 12.32% (fifty pupils) in 2017-18"),
    ("attendance of looked after children 2017-18", "figure", VS18, [9],
     "Attendance has fallen from 91.76% in 2016-17 to 91.02% in 2017-18"),
    ("attachment aware schools evaluation Rees Centre", "keyword", VS18, [6, 7],
     "89% agreed the training impacted positively on child behaviour."),
    ("Curve Theatre cultural passport", "keyword", VS18, [6],
     "Over 142 young people took up this offer."),
    ("LCC apprenticeships for children in care target", "keyword", VS18, [4, 5],
     "The target is for six young people to be in post by April 2019."),
    ("enquiries about previously looked after children autumn 2018", "natural", VS18, [10],
     "has resulted in 47 telephone and 52 email enquiries"),
    ("year 11 leavers still in EET", "acronym", VS18, [9],
     "26 (86%) were still in education, employment or training at the end"),
    # --- FOI 2015 (docx, single page)
    ("Leicester City virtual school head", "keyword", F15, [1],
     "The name of the person heading the local authority’s virtual school Patrick Finegan"),
    ("Leicester City LAC numbers 2013 to 2015", "acronym", F15, [1],
     "2013 – 520 LAC 2014 – 530 LAC 2015 – 549 LAC"),
    ("Leicester City looked after children budget 2014-15", "figure", F15, [1],
     "2013-14 - £26,462,900 2014-15 - £25,627,200"),
    ("staff directly involved in care of looked after children FTE", "acronym", F15, [1],
     "233.69fte (LAC service excluding Admin and Head of Service)"),
    ("software used to manage looked after children data", "natural", F15, [1],
     "Liquid Logic Datanet – a reporting system to combine both information sources"),
    ("Welfare Call attendance monitoring", "keyword", F15, [1],
     "For outside Leicester City we use a company called Welfare Call."),
    ("services supporting looked after children in Leicester City", "natural", F15, [1],
     "Placement & Commissioning Team Fostering & Adoption Teams Residential Homes"),
    # --- FOI residential placements (page 1 is blank in pypdf)
    ("children in residential homes on spot purchase", "figure", FR, [2],
     "homes by the local authority on spot purchase arrangements? 62"),
    ("placements team email for providers", "keyword", FR, [2],
     "Looked After Children aged under 16. placements.desk@leicester.gov.uk"),
    ("framework for residential placements under 16", "keyword", FR, [2],
     "use a specific framework for residential placements for Looked After Children aged under 16?"),
    ("does the council make direct placements with residential providers", "natural", FR, [2],
     "Yes, we make direct placements with residential providers"),
    ("why was the placements manager's name withheld", "natural", FR, [2],
     "are exempt from release under Section 40 (2) (personal data)"),
    # --- appended synonym queries (wording differs from the papers' wording)
    ("how many looked after children did the county have at the end of March 2020", "synonym", HR, [1, 13],
     "The number of children in care on 31 March 2020 was 657"),
    ("CLA GCSE English and maths pass rate 2019", "synonym", AP, [71],
     "KS4 Achieving a pass in English and Maths GCSEs (Grade 9-4 pass) 25.0%",
     [also(HR, [34], "10/30 (33.3%) achieved grade 9 – 4 in both English and maths")]),
    ("housing agreement with district councils for young people leaving care", "synonym", AP, [55],
     "The draft Care Leavers Housing Protocol sets out a formal agreement between the County Council",
     [also(HR, [49], "In September 2019 the District Housing Executive committee accept the proposed")]),
    ("children in care with special educational needs and EHCPs 2020", "synonym", HR, [28],
     "118 (28.4% of the whole cohort) have an EHCP"),
]


# -------------------------------------------------------------------- QA set
def Q(question, kind, found, answer_any, source, pages, evidence, note, **kw):
    d = {"question": question, "kind": kind, "found": found, "answer_any": answer_any}
    if "answer_all" in kw:
        d["answer_all"] = kw.pop("answer_all")
    d["must_not"] = kw.pop("must_not", [])
    d["source"] = source
    d["pages"] = pages
    d["evidence"] = evidence
    d.update(kw)
    d["note"] = note
    return d


def U(question, note, kind="unanswerable", must_not=None, near=None):
    """Unanswerable / not-found item. `near` = (source, pages, evidence) of the
    closest (distracting) fact, recorded so retrieval can be inspected."""
    d = {"question": question, "kind": kind, "found": False, "answer_any": [],
         "must_not": must_not or []}
    if near:
        d["source"], d["pages"], d["evidence"] = near
    else:
        d["source"], d["pages"], d["evidence"] = None, [], None
    d["note"] = note
    return d


QA = [
    # ------------------------------------------------------------ figure
    Q("How many children were in care in Leicestershire on 31 March 2020?", "figure", True, ["657"],
      HR, [1, 13, 14, 15], "The number of children in care on 31 March 2020 was 657",
      "Leicestershire County; health annual report 2019-20."),
    Q("By what percentage did the number of children in care in Leicestershire rise in 2019/20?",
      "figure", True, ["12.9%"], HR, [1, 13], "This is an increase of 12.9%", "582 -> 657."),
    Q("How many children in care in Leicestershire were looked after under a Full Care Order at 31 March 2020?",
      "figure", True, ["373"], HR, [13], "373 (56.8%) were looked after under a Full Care Order",
      "Up from 329 at 31 March 2019."),
    Q("How many children were admitted into care in Leicestershire during 2019/20?", "figure", True, ["245"],
      HR, [25], "There were 245 admissions of children into care during 2019/20",
      "Compared with 207 in 2018/19 (+18.4%)."),
    Q("How many children ceased to be looked after in Leicestershire in 2019/20?", "figure", True, ["170"],
      HR, [25], "There were 170 who ceased to be looked after in 2019/20.", ""),
    Q("What was the average time between entering care and moving in with an adoptive family (Adoption Scorecard A1) in 2019/20?",
      "figure", True, ["487"], HR, [23], "(Adoption Scorecard indicator A1) was 487 days",
      "487 days, down 56 from 543 in 2018/19."),
    Q("How many care leavers aged 18 to 25 does Leicestershire currently have, according to the January 2020 care leaver offer report?",
      "figure", True, ["283"], AP, [56], "There are currently 283 care leavers aged between 18 and 25 in Leicestershire.",
      "Compare 278 eligible for the 2019/20 return in the health report (see trap)."),
    Q("What government grant came with the new duty to support care leavers to age 25?", "figure", True,
      ["£40K", "£40k", "£40,000"], AP, [57], "support to the age of 25 came a government grant of £40K.",
      "£40K (care leaver offer report, para 34)."),
    Q("How much did the DfE allocate to Leicestershire in 2018-19 for the new duty to previously looked after children?",
      "figure", True, ["£45,446.37"], VS18, [1], "has allocated £45,446.37 to Leicestershire to meet the new statutory duty", ""),
    Q("How many Leicestershire children of statutory school age were in care at the end of the 2018-19 academic year?",
      "figure", True, ["378"], AP, [70], "there were 378 Leicestershire children of statutory school age in care",
      "203 boys and 175 girls."),
    Q("What was the school attendance rate of Leicestershire children in care in 2018-19?", "figure", True, ["92.19%"],
      AP, [72], "Attendance increased to 92.19% in 2018-19", "Virtual School report, Jan 2020."),
    Q("What share of the Leicestershire Virtual School cohort had an EHCP in the 2019 report?", "figure", True,
      ["26.5%"], AP, [70], "100 children (26.5%) of the Leicestershire VS cohort had Education, Health",
      "Compared with 2.9% of peers."),
    Q("What is the total gross proposed budget for Children and Family Services in 2020/21?", "figure", True,
      ["£330.9m", "330.9", "330,910,032"], AP, [10, 25], "The total gross proposed budget for 2020/21 is £330.9m",
      "Appendix A total gross budget 330,910,032."),
    Q("How much growth does the MTFS add to the Children and Family Services budget over the next four years?",
      "figure", True, ["£20.895m", "20,895", "20.895"], AP, [11, 25],
      "Growth over the next four years in the local authority budget totals £20.895m", "Including £7.795m in 2020/21."),
    Q("How many local area SEND inspections had taken place nationally, per the January 2020 report?", "figure", True,
      ["113"], AP, [49], "there have been 113 local area inspections of SEND", "58 received a written statement of action."),
    Q("What percentage of councils in England had been graded inadequate for overall effectiveness?", "figure", True,
      ["13%"], AP, [28], "around 13% of councils in England have been graded inadequate",
      "35% RI, 36.5% good, 15.5% outstanding."),
    Q("What is the Pupil Premium Plus grant per eligible looked after pupil for 2020-21?", "figure", True, ["£2,345"],
      HR, [30], "increased for 2020-21 to £2,345 per eligible pupil", "Previously £2,300; £400 is top-sliced."),
    Q("How many Leicestershire children were in residential care on 31 March 2020?", "figure", True, ["56"],
      HR, [1], "56 children were in residential care on the 31 March 2020", "8.5% of children in care.",
      conversation="c1", turn=1),
    Q("And the year before?", "figure", True, ["52"], HR, [1],
      "On 31 March 2019 there were 52 children in residential care.",
      "Follow-up to c1 turn 1: residential care at 31 March 2019.", conversation="c1", turn=2),
    Q("How many young people took up the Curve Theatre cultural passport offer?", "figure", True, ["142"],
      VS18, [6], "Over 142 young people took up this offer.", "'Over 142'."),
    Q("What cumulative High Needs deficit is expected at the end of 2020/21?", "figure", True, ["£19m"],
      AP, [17], "is expected to total £19m at the end of 2020/21",
      "The minutes (p6) quote an earlier forecast peak of around £13.5m in 2021/22."),
    Q("How many return interviews were completed in quarter 1 of 2020/21?", "figure", True, ["161"],
      HR, [46], "in quarter 1 of 2020/21 161 were completed", "75 in Q1 2019/20."),
    Q("How many children were adopted in Leicestershire in 2019/20?", "figure", True, ["31"],
      HR, [23, 24, 25], "There were 31 children adopted in 2019/2020.", "31 adoption orders granted.",
      conversation="c4", turn=1),
    Q("And how many adopters were approved?", "figure", True, ["28"], HR, [24], "28 adopters approved 31 adopters in assessment",
      "Follow-up to c4 turn 1 (same year, 2019/20).", conversation="c4", turn=2),
    # ------------------------------------------------------------ table
    Q("What is the proposed 2020/21 net budget for Children in Care in Leicestershire?", "table", True,
      ["41,018"], AP, [11, 23], "Total Children in Care 7,827,437 34,926,478 -833,500 41,920,415 -901,970 41,018,445",
      "£41,018k (table p11) / £41,018,445 (Appendix A)."),
    Q("What is the 2020/21 net budget for C&FS Operational Placements?", "table", True, ["32,401,084"],
      AP, [23], "Placements 241,568 32,259,516 0 32,501,084 -100,000 32,401,084",
      "Appendix A; 2019/20 budget was 29,651,084."),
    Q("What is the average weekly cost of a mainstream foster care placement in Leicestershire?", "table", True,
      ["549"], HR, [15], "Mainstream Foster Care 549 28,548", "£549 a week, £28,548 a year."),
    Q("What is the average annual cost of an external residential placement?", "table", True, ["213,200"],
      HR, [15], "Residential - External 4100 213,200", "£4,100 a week."),
    Q("What is the average weekly cost of a 16+ external placement?", "table", True, ["1250", "1,250"],
      HR, [15], "16 + - External 1250 65,000", "£65,000 a year."),
    Q("How much is budgeted for additional school places over the 2020/21-2023/24 capital programme?", "table", True,
      ["98,950", "98.95"], AP, [20, 26], "Additional School Places 19,180 24,170 20,600 35,000 98,950", "£000."),
    Q("What growth is planned for front-line social care staff caseloads in 2023/24?", "table", True,
      ["5,340", "5.34"], AP, [12, 25], "G4 Front-line social care staff - increased caseloads 2,400 3,380 4,360 5,340",
      "Prose heading on p12 says '£5.34m 2023/34' (typo for 2023/24)."),
    Q("What saving is planned from reducing social care placement costs in 2021/22?", "table", True,
      ["2,200", "2.2m"], AP, [26], "CF2 Eff Reduction in Social Care Placement costs -1,500 -2,200 -2,900 -3,600",
      "-£2,200k."),
    Q("How many Full Care Orders were made in care proceedings in 2019-20?", "table", True, ["76"],
      HR, [25], "Type of Order 2018-19 2019-20 Full Care Order 61 76", "61 in 2018-19."),
    Q("What was the KS4 Attainment 8 score for Leicestershire children in care in 2019?", "table", True, ["22.48"],
      AP, [71], "KS4 Attainment 8 22.48 KS4 Progress 8", "Provisional 2019 results; 18.46 in 2017."),
    Q("What percentage of children looked after for 12+ months were convicted during 2019/20?", "table", True,
      ["1.45%"], HR, [36], "2020 459 1.45% 415 402 422", "2.42% in 2019."),
    Q("How many non-Leicestershire children in care went missing in Leicestershire in 2020?", "table", True, ["160"],
      HR, [46], "Total number of non- Leicestershire children 130 160", "130 in 2019."),
    Q("What percentage of children in care reached the KS1 expected standard in reading, writing and maths in 2017?",
      "table", True, ["18.18%"], VS18, [8], "KS1 Expected Standard Reading, Writing and Maths 18.18%", ""),
    Q("How many eligible children in care had a 'very high' SDQ score?", "table", True, ["27"],
      HR, [40], "17-19 High 8 20-40 Very High 27", "99 average, 13 slightly raised, 8 high."),
    Q("How many CSE referrals were there in 2019?", "table", True, ["314"], HR, [44],
      "CSE Referrals- 2017 297 2018 247 2019 314 2020 259", "259 in 2020."),
    Q("What is the 2020/21 total proposed growth for Children and Family Services?", "table", True,
      ["7,795", "7.795"], AP, [10, 11, 25], "Add proposed growth (Appendix B) 7,795 4,200 4,350 4,550",
      "£7.795m in 2020/21."),
    # ------------------------------------------------------------ multi
    Q("How did the number of children in care in Leicestershire change between 31 March 2019 and 31 March 2020?",
      "multi", True, [], HR, [1, 13], "The number of children in care on 31 March 2020 was 657",
      "582 -> 657 per the health report (the MTFS gives 585 for 2019; see trap).", answer_all=["582", "657"]),
    Q("How did the KS2 expected standard result for Leicestershire children in care change between 2017 and 2019?",
      "multi", True, [], VS18, [8], "KS2 Expected Standard Reading, Writing and Maths 22.2%",
      "22.2% (2017, 2018 report) -> 36.8% (2019, 2020 report).", answer_all=["22.2%", "36.8%"],
      also=[also(AP, [71], "KS2 Expected Standard Reading, Writing and Maths 36.8%")]),
    Q("How has school attendance of Leicestershire children in care moved from 2016-17 to 2018-19?", "multi", True,
      [], VS18, [9], "Attendance has fallen from 91.76% in 2016-17 to 91.02% in 2017-18",
      "91.76% -> 91.02% -> 92.19%.", answer_all=["91.76%", "91.02%", "92.19%"],
      also=[also(AP, [72], "Attendance increased to 92.19% in 2018-19")]),
    Q("What share of Leicestershire looked after children received a fixed term exclusion in 2016-17, 2017-18 and 2018-19?",
      "multi", True, [], VS18, [9], "has risen from 9.83% (forty pupils) in 2016-17 to 12.32% (fifty pupils) in 2017-18",
      "9.83% -> 12.32% -> 9.58%.", answer_all=["9.83%", "12.32%", "9.58%"],
      also=[also(AP, [72], "decreased from 12.32% (50 pupils) in 2017-18 to 9.58% (41 pupils) in 2018-19")]),
    Q("How did the number of Leicestershire children of statutory school age in care change from 2017-18 to 2018-19?",
      "multi", True, [], VS18, [7], "there were 348 Leicestershire children of statutory school age in care",
      "348 -> 378.", answer_all=["348", "378"],
      also=[also(AP, [70], "there were 378 Leicestershire children of statutory school age in care")]),
    Q("What proportion of Leicestershire care leavers were in education, employment or training, according to the care leaver offer report and the health annual report?",
      "multi", True, [], AP, [56], "60.6% (63 of 104) of care leavers were in Education Employment or training.",
      "Q2 2019/20: 60.6%; 2019/20 return: 64.2%. Different bases, both should be given.",
      answer_all=["60.6%", "64.2%"], also=[also(HR, [3, 58], "172 (64.2%) of 268 Care Leavers who had not returned home")]),
    Q("What proportion of Leicestershire care leavers were in suitable accommodation, per the Q2 2019/20 figure and the 2019/20 year figure?",
      "multi", True, [], AP, [56], "90.4% (94 of 104). of Care Leavers were in suitable accommodation",
      "90.4% (Q2) and 94.8% (year).", answer_all=["90.4%", "94.8%"],
      also=[also(HR, [3, 58], "94.8% Care Leavers in suitable accommodation.")]),
    Q("How many unaccompanied asylum-seeking children and care leavers did Leicestershire support in March 2020, and what UASC budget growth is proposed for 2020/21?",
      "multi", True, ["£0.75m", "750"], HR, [14], "UASC CIC and Care Leavers March 2020: 105",
      "105 (health report) and £0.75m growth (MTFS G9).", answer_all=["105"],
      also=[also(AP, [13, 25], "G9 – Unaccompanied Asylum Seeking Children £0.75m 2020/21 rising to £1.5m 2023/24")]),
    Q("How many adopters were approved in 2018/19 and in 2019/20?", "multi", True, [], AP, [8],
      "Last year, 34 households were approved as adopters", "34 (2018/19, minutes) and 28 (2019/20, health report).",
      answer_all=["34", "28"], also=[also(HR, [24], "28 adopters approved 31 adopters in assessment")]),
    Q("How many independent visitors did Leicestershire have in November 2019 and in the 2019/20 annual report?",
      "multi", True, [], AP, [8], "there were now 38 on roll", "38 (Nov 2019 minutes) vs 40 (health report).",
      answer_all=["38", "40"], also=[also(HR, [20], "We currently have 40 independent visitors")]),
    Q("How did persistent absence among Leicestershire children in care change from 2017-18 to 2018-19?", "multi", True,
      [], VS18, [9], "has dropped from 23.83% in 2016-17 to 22.17% in 2017-18",
      "22.17% -> 17.99% (the Jan 2020 report calls this 'increased marginally' although the figure fell).",
      answer_all=["22.17%", "17.99%"],
      also=[also(AP, [72], "persistent absence (less than 90% attendance) increased marginally to 17.99% in 2018-19")]),
    Q("What share of the Virtual School cohort had an EHCP in 2017 and in 2019?", "multi", True, [], VS18, [7],
      "ninety-four pupils (27%) had an EHCP compared with 3% of the general school population",
      "27% (94 pupils) -> 26.5% (100 children).", answer_all=["27%", "26.5%"],
      also=[also(AP, [70], "100 children (26.5%) of the Leicestershire VS cohort had Education, Health")]),
    # ------------------------------------------------------------ foi
    Q("What was Leicester City's LAC budget in 2014-15?", "foi", True, ["£25,627,200", "25,627,200"], F15, [1],
      "2013-14 - £26,462,900 2014-15 - £25,627,200", "Budget for LAC inc Admin and Head of Service.",
      conversation="c3", turn=1),
    Q("And the year before that?", "foi", True, ["£26,462,900", "26,462,900"], F15, [1],
      "2013-14 - £26,462,900 2014-15 - £25,627,200", "Follow-up to c3 turn 1: 2013-14 budget.",
      conversation="c3", turn=2),
    Q("What LAC budget did Leicester City report for 2016-17?", "foi", True, ["£26,021,400", "26,021,400"], F15, [1],
      "2015-16 - £26,021,400 2016-17 - £26,021,400", "Same figure as 2015-16."),
    Q("How many looked after children did Leicester City have at 31 March 2014?", "foi", True, ["530"], F15, [1],
      "2013 – 520 LAC 2014 – 530 LAC 2015 – 549 LAC", "As at 31st March.", conversation="c2", turn=1),
    Q("And the year before?", "foi", True, ["520"], F15, [1], "2013 – 520 LAC 2014 – 530 LAC 2015 – 549 LAC",
      "Follow-up to c2 turn 1: 31 March 2013.", conversation="c2", turn=2),
    Q("How many FTE staff does Leicester City have directly involved in the care of looked after children?", "foi", True,
      ["233.69"], F15, [1], "233.69fte (LAC service excluding Admin and Head of Service)", "2015 FOI."),
    Q("Who headed Leicester City's virtual school at the time of the 2015 FOI response?", "foi", True,
      ["Patrick Finegan"], F15, [1], "The name of the person heading the local authority’s virtual school Patrick Finegan",
      "Not Tony Barnard (Leicestershire's VS head).", must_not=["Tony Barnard"]),
    Q("Which software does Leicester City use to manage looked after children data?", "foi", True, [], F15, [1],
      "Liquid Logic Datanet – a reporting system to combine both information sources",
      "ONE system, Liquid Logic, Datanet (plus MS Office Access/Excel).",
      answer_all=["ONE", "Liquid Logic", "Datanet"]),
    Q("How many children under 17 does Leicester City currently have in Ofsted residential children's homes on spot purchase?",
      "foi", True, ["62"], FR, [2], "homes by the local authority on spot purchase arrangements? 62",
      "Question as asked: 'under 17 years old (inclusive)'.", must_not=["56"]),
    Q("Does Leicester City use a specific framework for residential placements of looked after children under 16?",
      "foi", True, ["does not", "doesn't", "do not", "No,", "No.", "not use", "no specific framework", "direct placements"], FR, [2],
      "use a specific framework for residential placements for Looked After Children aged under 16?",
      "Answer is a plain 'No'; it makes direct placements."),
    Q("What email address should providers use for placement referrals to Leicester City?", "foi", True,
      ["placements.desk@leicester.gov.uk"], FR, [2], "Looked After Children aged under 16. placements.desk@leicester.gov.uk", ""),
    Q("Why did Leicester City not give the name of its residential placements manager?", "foi", True,
      ["Section 40", "40 (2)", "40(2)", "personal data"], FR, [2],
      "are exempt from release under Section 40 (2) (personal data)", "Refusal notice under s17 FOIA."),
    Q("How often does Leicester City receive attendance data for looked after children in city schools?", "foi", True,
      ["weekly"], F15, [1], "so no letter is needed. Information is received weekly.", "Out-of-city schools: Welfare Call, uploaded monthly."),
    # ------------------------------------------------------------ councillor
    Q("What overall effectiveness grade did Ofsted give Leicestershire's children's services in 2019?", "councillor",
      True, ["requires improvement"], AP, [4, 28, 29, 31], "Overall effectiveness Requires improvement to be good",
      "ILACS 2019.", must_not=["inadequate", "outstanding"]),
    Q("What did Ofsted conclude about the experiences and progress of children in care and care leavers?", "councillor",
      True, ["good"], AP, [4, 28, 29, 31, 35], "The experiences and progress of children in care and care leavers is: good",
      "Graded Good.", also=[also(HR, [5, 45, 47], "The inspection found the experience of children and care leavers to be good")]),
    Q("Who chairs the Children and Families Overview and Scrutiny Committee?", "councillor", True, ["Fryer"],
      AP, [1], "Mrs. H. J. Fryer CC (Chairman)",
      "Membership for 21 Jan 2020; Mrs B. Seaton chaired the 5 Nov 2019 meeting."),
    Q("Who is the Lead Member for Children and Families in Leicestershire?", "councillor", True, ["Ould"], AP, [3],
      "Mr. I. D. Ould OBE CC – Lead Member for Children and Families", "Ivan Ould.",
      also=[also(HR, [48], "The lead Member, Councillor Ivan Ould OBE CC has been instrumental")]),
    Q("Who led the 2019 Ofsted inspection of Leicestershire's children's social care?", "councillor", True,
      ["Kate Malleson"], AP, [31], "Lead inspector: Kate Malleson Her Majesty's Inspector", ""),
    Q("Who is the head of Leicestershire's Virtual School?", "councillor", True, ["Tony Barnard"], AP, [73],
      "Tony Barnard, Virtual School Head", "Same in 2018 and 2020 reports.", must_not=["Patrick Finegan"],
      also=[also(VS18, [11], "Tony Barnard, Virtual School Head Email: tony.barnard@leics.gov.uk")]),
    Q("Who is Leicestershire's Director of Children and Family Services?", "councillor", True, ["Jane Moore"],
      AP, [21, 31], "Jane Moore, Director of Children and Family Services", ""),
    Q("What did Ofsted say about permanence planning for children whose plan is not adoption?", "councillor", True,
      ["significantly weaker", "not good enough"], AP, [30, 32, 35],
      "Permanence planning is significantly weaker for those children who are needing permanence",
      "Ofsted rec v; drift and delay in long-term fostering and SGOs."),
    Q("What did the DfE National Advisor for Care Leavers say about Leicestershire after his November 2019 visit?",
      "councillor", True, ["top ten", "top 10"], AP, [54],
      "I would rate services as in the top ten most improved local authorities",
      "Mark Riddell.", also=[also(HR, [48], "Leicestershire was identified as one the top 10 performing")]),
    Q("How many recommendations did Ofsted make in the 2019 inspection, and by when is the action plan due?",
      "councillor", True, ["six", "6 recommendations"], AP, [4, 30], "The latest action plan must be submitted to Ofsted by 10th February 2020.",
      "Six recommendations; action plan by 10 February 2020.", answer_all=["February 2020"]),
    Q("What is the Time 2 Spend fund for children in care?", "councillor", True, ["£150"], HR, [11],
      "Each CiC can apply for up to £150 each year", "For hobbies, instruments, trips."),
    Q("Do care leavers in Leicestershire have to pay council tax?", "councillor", True,
      ["exempt", "no council tax", "not pay", "zero"], AP, [7, 55],
      "care leavers should be exempt from the payment of Council Tax until",
      "Exempt until 25 in all districts since 1 April 2019.", answer_all=["25"]),
    Q("What is the proposed new special school in Shepshed?", "councillor", True, ["SEMH", "Social, Emotional"],
      AP, [20], "£8m to build a new 50 place special school", "DfE-funded £8m free school, 50 places, SEMH.",
      answer_all=["50"]),
    # ------------------------------------------------------------ unanswerable
    U("How many children were in care in Nottinghamshire at 31 March 2020?", "No Nottinghamshire data in corpus."),
    U("What is Leicestershire's Children and Family Services budget for 2024/25?",
      "MTFS covers 2020/21-2023/24 only.", near=(AP, [10], "Proposed/Provisional net budget 80,914 84,444 88,094 91,944")),
    U("What was Leicester City's LAC budget for 2017-18?", "FOI gives budgets to 2016-17 only.",
      near=(F15, [1], "2015-16 - £26,021,400 2016-17 - £26,021,400")),
    U("How many looked after children did Leicester City have at 31 March 2016?", "FOI gives 2013-2015 only.",
      near=(F15, [1], "2013 – 520 LAC 2014 – 530 LAC 2015 – 549 LAC")),
    U("What were the GCSE results of Leicestershire children in care in 2020?",
      "Latest KS4 results in corpus are provisional 2019."),
    U("How many children were in care in Leicestershire at 31 March 2021?", "Latest count is 31 March 2020 (657); citing it as context is fine, presenting it as the 2021 figure is wrong."),
    U("What judgement did Ofsted and CQC give Leicestershire in its SEND local area inspection?",
      "Leicestershire had not yet been inspected, and local area SEND reports carry no judgement.",
      near=(AP, [52], "Despite not yet being subject to a local area inspection for SEND")),
    U("What is the name and direct phone number of Leicester City's residential placements manager?",
      "Withheld under s40(2); a good answer says it was refused.",
      near=(FR, [2], "are exempt from release under Section 40 (2) (personal data)")),
    U("How many foster carers are there in Rutland?", "Rutland is mentioned only via the joint adoption agency."),
    U("What did Ofsted's 2022 inspection of Leicestershire children's services find?", "No 2022 inspection in corpus."),
    U("What is the Pupil Premium Plus rate per looked after pupil for 2021-22?", "Only 2019-20 (£2,300) and 2020-21 (£2,345) are given."),
    U("How many children were adopted in Leicestershire in 2020/21?", "Only 2019/20 (31) is reported; it must not be presented as the 2020/21 figure."),
    U("How many unaccompanied asylum-seeking children did Leicester City support in 2015?",
      "Leicester City FOI lists a People from Abroad Team but gives no UASC count.", must_not=["55"]),
    U("What is Leicester City Council's budget for its virtual school?", "FOI gives only the whole LAC budget."),
    U("When will Leicestershire's SEND local area inspection take place?",
      "Not scheduled in the papers; only 5 working days' notice is given.",
      near=(AP, [49], "The local area will be provided with five working days' notice of the inspection")),
    U("How many social workers does Leicestershire County Council employ?", "No headcount/FTE of social workers given."),
    U("How much did the 2020 Virtual School conference at the King Power Stadium cost?", "Cost not given.",
      near=(AP, [70], "takes place on Thursday 27 February at the King Power Stadium, Leicester.")),
    # ------------------------------------------------------------ trap
    U("How many children were in care in Leicester City at 31 March 2020?",
      "Council trap: 657 is Leicestershire County's figure; no Leicester City 2020 figure.", kind="trap",
      must_not=["657"], near=(HR, [1], "The number of children in care on 31 March 2020 was 657")),
    U("How many looked after children did Leicestershire County Council have at 31 March 2015?",
      "Council trap: 549 is Leicester City's figure (FOI).", kind="trap", must_not=["549"],
      near=(F15, [1], "2013 – 520 LAC 2014 – 530 LAC 2015 – 549 LAC")),
    Q("How many children were in care in Leicestershire at 31 March 2019?", "trap", True, [], HR, [1, 13],
      "The previous end of year count was 582.",
      "Papers disagree: health report 582 (p1, p13); MTFS 585 (agenda p11). Both should be reported.",
      answer_all=["582", "585"],
      also=[also(AP, [11], "Looked After Children (LAC) number at 31/3/2019 was 585")]),
    Q("When did the 2019 Ofsted inspection of Leicestershire children's social care take place?", "trap", True, [],
      AP, [28, 31], "Inspection dates: 23 September 2019 to 4 October 2019",
      "Ofsted letter: 23 Sep-4 Oct 2019 (p31); council cover report: '16 September to 4 October 2019' (p28). "
      "Care leaver report (p54) even calls it 'the November 2019 Ofsted Inspection'.",
      answer_all=["23 September", "16 September", "4 October"]),
    Q("What is Leicestershire's rate of children in care per 10,000 children at 31 March 2020?", "trap", True, [],
      HR, [1, 13], "equates to 46.9 per 10,000 children",
      "Same report disagrees with itself: 46.9 (p1 summary) vs 46.8 (p13).", answer_all=["46.9", "46.8"]),
    U("What was Leicestershire County Council's LAC budget in 2014-15?",
      "Council trap: £25,627,200 is Leicester City's (FOI).", kind="trap", must_not=["25,627,200"],
      near=(F15, [1], "2013-14 - £26,462,900 2014-15 - £25,627,200")),
    Q("Who heads Leicestershire County Council's Virtual School?", "trap", True, ["Tony Barnard"], VS18, [11],
      "Tony Barnard, Virtual School Head Email: tony.barnard@leics.gov.uk",
      "Council trap: Patrick Finegan headed Leicester City's VS (2015 FOI).", must_not=["Patrick Finegan"],
      also=[also(AP, [73], "Tony Barnard, Virtual School Head")]),
    U("How many Leicester City children were in residential care at 31 March 2020?",
      "Council trap: 56 is Leicestershire's; Leicester City FOI gives 62 on spot purchase, undated.", kind="trap",
      must_not=["56"], near=(HR, [1], "56 children were in residential care on the 31 March 2020")),
    Q("What is Leicestershire Children and Family Services' proposed net budget for 2020/21?", "trap", True,
      ["80,914", "80.9"], AP, [10, 11, 25], "The proposed net budget for 2020/21 totals £90.9m",
      "Agenda pack disagrees with itself: para 10 text says £90.9m; the tables (p10, p11, Appendix A p25) give "
      "80,914 (£000) / 80,914,500. Both should be reported.", answer_all=["90.9"]),
    Q("What proportion of Leicestershire children in care achieved a grade 9-4 pass in English and maths GCSE in 2019?",
      "trap", True, ["25.0%", "25%"], AP, [71],
      "KS4 Achieving a pass in English and Maths GCSEs (Grade 9-4 pass) 25.0%",
      "Papers disagree: VS report 25.0% (all 40 pupils); health report 33.3% (10/30 in state-funded schools).",
      answer_all=["33.3%"], also=[also(HR, [34], "10/30 (33.3%) achieved grade 9 – 4 in both English and maths")]),
    Q("How many care leavers does Leicestershire have?", "trap", True, [], AP, [56],
      "There are currently 283 care leavers aged between 18 and 25 in Leicestershire.",
      "Papers differ: 283 aged 18-25 (Jan 2020 report) vs 278 eligible for the 2019/20 return (health report).",
      answer_all=["283", "278"],
      also=[also(HR, [3, 58], "278 Care Leavers were eligible for inclusion in the 2019/2020 return")]),
    Q("How many Leicestershire children had been in care for at least 12 months at 31 March 2019?", "trap", True, [],
      HR, [35, 36], "has increased by 11.1% from 415 in 2019 to 459 in 2020",
      "Same report disagrees: text says 415 (p35), table says 413 (p36). Note 415 is also the 2020 immunised count.",
      answer_all=["415", "413"]),
    Q("What share of Leicestershire children in care were with independent agency foster carers at 31 March 2020?",
      "trap", True, [], HR, [1, 18], "28% (188) with independent agency foster",
      "Same report disagrees: 28% (188) in the summary (p1) vs 26% in section 3.1 (p18).",
      answer_all=["28%", "26%"]),
    Q("How many additional SEND places will Leicestershire's capital programme create?", "trap", True, [], AP, [20, 21],
      "an additional 500 places for children and young people with SEND will be created",
      "Papers disagree: MTFS says 500 (p20, p21); SEND report says 'in excess of 600' (p51).",
      answer_all=["500", "600"],
      also=[also(AP, [51], "provide in excess of 600 more specialist places for Leicestershire children")]),
    Q("When did the DfE National Advisor for Care Leavers first visit Leicestershire?", "trap", True, [], AP, [53],
      "In January 2019, the Department for Education National Advisor for Care Leavers",
      "Papers disagree: care leaver report says January 2019 (p53); health report says February 2019 (p48).",
      answer_all=["January 2019", "February 2019"],
      also=[also(HR, [48], "national advisor for care leavers in February 2019 and November 2019")]),
    U("What was the school attendance of Leicester City's looked after children in 2018-19?",
      "Council trap: 92.19% is Leicestershire's Virtual School figure.", kind="trap", must_not=["92.19%"],
      near=(AP, [72], "Attendance increased to 92.19% in 2018-19")),
    U("How many Leicester City children of statutory school age were in care at the end of 2018-19?",
      "Council trap: 378 is Leicestershire's.", kind="trap", must_not=["378"],
      near=(AP, [70], "there were 378 Leicestershire children of statutory school age in care")),
]


def assign_splits(items, key):
    counters: dict[str, int] = {}
    for it in items:
        k = key(it)
        counters[k] = counters.get(k, 0) + 1
        it["split"] = "holdout" if counters[k] % 3 == 0 else "dev"
    # later conversation turns follow turn 1
    first = {it["conversation"]: it["split"] for it in items if it.get("turn") == 1}
    for it in items:
        if "conversation" in it:
            it["split"] = first[it["conversation"]]


def main():
    search = []
    for n, row in enumerate(SEARCH, 1):
        query, style, source, pages, evidence = row[:5]
        it = {"id": f"s{n:03d}", "query": query, "style": style, "source": source, "pages": pages,
              "evidence": evidence}
        if len(row) > 5:
            it["also"] = row[5]
        search.append(it)
    assign_splits(search, key=lambda it: it["source"])

    qa = []
    for n, it in enumerate(QA, 1):
        qa.append({"id": f"q{n:03d}", **it})
    assign_splits(qa, key=lambda it: it["kind"])

    order = ["id", "query", "style", "source", "pages", "evidence", "also", "split"]
    with open(EVALS / "search_set.jsonl", "w", encoding="utf8") as fh:
        for it in search:
            fh.write(json.dumps({k: it[k] for k in order if k in it}, ensure_ascii=False) + "\n")
    qorder = ["id", "question", "kind", "found", "answer_any", "answer_all", "must_not", "source", "pages",
              "evidence", "also", "conversation", "turn", "split", "note"]
    def load_fixed(name):
        return [json.loads(line) for line in (EVALS / name).read_text(encoding="utf8").splitlines() if line]

    # dev2: 40 items (d2-001...d2-040, split "dev") written on 22 Nov 2026 from a reading of the
    # papers by an engineer who never ran the assistant or read its code; kept in their own file
    # and appended as they are (split fixed), after the generated items and before holdout2.
    qa += load_fixed("qa_dev2.jsonl")
    # holdout2: 30 items written on 22 Nov 2026, after that day's dev tuning, by an engineer
    # who never ran the assistant; kept in their own file, appended as they are (split fixed).
    holdout2 = load_fixed("qa_holdout2.jsonl")
    qa += holdout2
    # holdout3: 30 items (h3-001...h3-030) written on 22 Nov 2026, with the same mix of kinds as
    # dev2, by the same engineer (never ran the assistant); for measurement only, never tuning.
    qa += load_fixed("qa_holdout3.jsonl")
    # dev3: 30 items (d3-001...d3-030, split "dev") written on 22 Nov 2026 by the same engineer,
    # appended after holdout3 so no earlier line moves.
    qa += load_fixed("qa_dev3.jsonl")
    # holdout4: 30 items (h4-001...h4-030) written on 22 Nov 2026 by the same engineer, appended
    # last so no earlier line moves. Measurement only: never tune on it.
    qa += load_fixed("qa_holdout4.jsonl")
    # dev4 and dev5: 40 items each (d4-..., d5-..., split "dev") written on 22 Nov 2026 by two
    # engineers who never ran the assistant (dev4: the agenda pack and the placements FOI;
    # dev5: the health report, the virtual school report and the 2015 FOI). Measured once
    # untuned before joining dev; appended last so no earlier line moves.
    qa += load_fixed("qa_dev4.jsonl")
    qa += load_fixed("qa_dev5.jsonl")
    with open(EVALS / "qa_set.jsonl", "w", encoding="utf8") as fh:
        for it in qa:
            fh.write(json.dumps({k: it[k] for k in qorder if k in it}, ensure_ascii=False) + "\n")
    print(f"wrote {len(search)} search items, {len(qa)} QA items")


if __name__ == "__main__":
    main()
