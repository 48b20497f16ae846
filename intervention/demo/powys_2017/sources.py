"""Where each fact of the Powys demo comes from: the sources shared/domain.md names, section 4.

Each constant is the link the demo cites; the confidence of each fact (V verified in a public
source, R reported by a secondary source) is given where the fact is recorded, as domain.md tags it.
"""

# The Welsh Government's written statements (each names its Minister and its date).
STATEMENT_17_OCT_2017 = (
    "https://gov.wales/written-statement-powys-county-council-childrens-social-services-"
    "publication-warning-notice-issued"
)
STATEMENT_21_NOV_2017 = "https://gov.wales/written-statement-update-powys-county-council"
STATEMENT_15_JAN_2018 = "https://gov.wales/node/6296"
STATEMENT_14_FEB_2018 = "https://www.gov.wales/written-statement-powys-county-council-update"
STATEMENT_16_APR_2018 = (
    "https://www.gov.wales/written-statement-update-national-assembly-wales-powys-county-council-"
    "childrens-social-services-0"
)
PLENARY_1_MAY_2018 = "https://matthew.theyworkforyou.dev.mysociety.org/senedd/?id=2018-05-01.5.82259"
STATEMENT_EXTERNAL_REVIEW_2020 = (
    "https://gov.wales/written-statement-external-review-powys-county-councils-improvement-and-"
    "assurance-board-and-support"
)
STATEMENT_2_NOV_2020 = (
    "https://www.gov.wales/written-statement-powys-county-council-removal-enhanced-monitoring-"
    "arrangements-social-services"
)

# The inspectorate's pages.
CIW_9_JAN_2019 = (
    "https://www.careinspectorate.wales/190109-significant-improvement-achieved-powys-serious-"
    "concerns-remain-report"
)
CIW_29_OCT_2020 = (
    "https://careinspectorate.wales/201029-enhanced-monitoring-arrangements-powys-county-council-"
    "social-services-no-longer-required"
)

# The council's own page, and the press.
POWYS_19_OCT_2017 = "https://en.powys.gov.uk/article/1422/Childrens-Services-Inspection-Report?ccp=true"
COUNTY_TIMES_OCT_2017 = (
    "http://www.countytimes.co.uk/news/15830741.Damning_report_into_child_services_in_Powys_as_"
    "council_leader_vows_to_turn_things_around/"
)
COUNTY_TIMES_JAN_2018 = (
    "https://www.countytimes.co.uk/news/politics/15888190.Under_fire_Powys_Children_s_Services_"
    "given_another_warning_of_failings_by_Government/"
)
BBC_APR_2018 = "https://feeds.bbci.co.uk/news/uk-wales-politics-43784844"
COUNTY_TIMES_FEB_2019 = (
    "https://www.countytimes.co.uk/news/17406097.powys-county-council-wants-to-see-more-looked-after-"
    "children-cared-for-closer-to-home/"
)
COUNTY_TIMES_SEP_2019 = (
    "https://www.countytimes.co.uk/news/18025868.terms-reference-improvement-assurance-board-changed/"
)
COUNTY_TIMES_JUL_2020 = (
    "https://www.countytimes.co.uk/news/18590312.education-monitoring-powys-end-improvements/?ref=rss"
)
SHROPSHIRE_STAR_2022 = (
    "https://shropshirestar.com/news/politics/2022/08/01/only-one-internal-improvement-board-left"
)

# The warning notice itself (shared/reference/powys-2017-warning-notice.txt).
NOTICE_2017 = "The warning notice of 17 October 2017 (shared/reference/powys-2017-warning-notice.txt)"


def cite(url: str, note: str = "") -> str:
    """Return a source as the tracker keeps it: what it says, then its link."""
    return f"{note} ({url})" if note else url
