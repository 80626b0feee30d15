"""The rule catalogue (SPEC §2): every rule with its id, wording, citation and default severity.

The `detail` text is the exact semantics both the CP-SAT formulation (solver/) and the
independent verifier (model/verify.py) implement; keep the three in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    HARD = "hard"
    SOFT = "soft"
    OFF = "off"


@dataclass(frozen=True)
class Rule:
    id: str
    text_zh: str
    text: str
    source: str
    severity: Severity
    weight: int = 0  # penalty per violation unit when soft
    can_be_soft: bool = False  # hard-only rules are structural and cannot be relaxed
    detail: str = ""


RULES: tuple[Rule, ...] = (
    Rule(
        "ROT-PER-GRADE",
        "总园和分园各年级派出1-2名骨干教师轮岗交流一学年",
        "each sending kindergarten sends 1–2 backbone teachers of each grade on rotation a year",
        '000 三(二)2 "总园和分园各年级派出1-2名骨干教师轮岗交流一学年"',
        Severity.SOFT,
        weight=30,
        can_be_soft=True,
        detail=(
            "Sending kindergartens: lead and branches (tight group); all but affiliates (loose). "
            "For each sending kg, grade with classes > 0 there, and year: the number of its "
            "teachers of that grade on rotation that year is <= max_per_grade (always hard). "
            "Shortfall = max(0, min(min_per_grade, E) - count), E = backbone teachers of that "
            "kg and grade, not cadre, not unavailable that year; each unit is a violation of "
            "the (soft by default) minimum. A rotating teacher's host has classes of her grade."
        ),
    ),
    Rule(
        "ROT-PAIRS",
        "总园和分园之间互派；松散型集团成员园之间交流",
        "tight group: rotations run lead↔branch only; loose group: between any two members",
        "000 三(二)2; 001 三(三)",
        Severity.HARD,
        detail=(
            "Rotation host is in the teacher's group and differs from home; affiliates neither "
            "send nor host rotations; in a tight group exactly one of home and host is the lead."
        ),
    ),
    Rule(
        "ROT-DOWN",
        "鼓励优质园的骨干教师向相对薄弱园流动",
        "a backbone's rotation goes to a host of lower tier than home (strong → weak)",
        '001 三(三) "鼓励优质园的骨干教师向相对薄弱园流动"',
        Severity.SOFT,
        weight=8,
        can_be_soft=True,
        detail="One violation per rotation-year whose host tier >= home tier.",
    ),
    Rule(
        "TERM-2Y",
        "柔性流动原则上不超过两年，须及时回到原学校",
        "continuous time away is at most 2 years (history included); a 2-year stay keeps its host",
        '001 三(三) "柔性流动原则上不超过两年"; 003 五(四) 须及时回到原学校',
        Severity.HARD,
        detail=(
            "Year-long placements (rotation, induction, swap) in consecutive academic years, "
            "history records included, form a run; a run is at most max_term_years long and "
            "every year of a run has the same host."
        ),
    ),
    Rule(
        "IND-LEAD",
        "新分配教师原则上需在总园工作学习一年",
        "a new teacher whose home is not the lead spends the first year at the lead",
        '000 三(二)2 "新分配教师原则上需在总园工作学习一年"',
        Severity.SOFT,
        weight=50,
        can_be_soft=True,
        detail=(
            "New teacher: not a cadre, has a grade, hire date in a planned academic year Y; "
            "home not the lead. One violation if there is no induction at the lead in year Y. "
            "Induction exists only for such teachers, only in year Y, only at the lead."
        ),
    ),
    Rule(
        "IND-MENTOR",
        "以老带新结对帮扶",
        "each inducted new teacher has a backbone mentor of the same grade at the lead that year",
        "003 三(二) 教师结对 以老带新; 000 三(三)4 结对帮扶",
        Severity.HARD,
        detail=(
            "The partner of an induction is a backbone of the same grade who is at the lead that "
            "year: lead-home and on no year-long placement, or rotating into the lead. A mentor "
            "takes at most mentor_capacity new teachers a year."
        ),
    ),
    Rule(
        "SHD-LEN",
        "跟岗锻炼时间不得超过2周",
        "a shadowing visit lasts at most 2 weeks (one slot)",
        '003 三(一) "跟岗锻炼时间不得超过2周"; 五(四)',
        Severity.HARD,
        detail=(
            "A shadowing visit has a year, semester and slot; its dates span <= slot_weeks <= 2 "
            "weeks."
        ),
    ),
    Rule(
        "SHD-CAP",
        "中层以上干部跟岗学习人数不超过5人，任课教师跟岗学习人数不超过7人",
        "at one time at most 5 cadres and at most 7 teachers shadow in a group",
        '003 五(四) "中层以上干部跟岗学习人数不超过5人，任课教师跟岗学习人数不超过7人"',
        Severity.HARD,
        detail="Per group and slot: shadowing cadres <= cadre_cap, other shadowing teachers <= teacher_cap.",
    ),
    Rule(
        "SHD-COOL",
        "跟岗结束后两年内不得再次申请",
        "after a shadowing visit, no new one for 2 years (history included)",
        '003 五(四) "两年内不得再次提出跟岗锻炼、跟岗学习申请"',
        Severity.HARD,
        detail=(
            "Two shadowing visits of one teacher (history included) lie at least "
            "2 × cooldown_years semesters apart (semester index difference)."
        ),
    ),
    Rule(
        "SHD-VETO",
        "一票否决，不得申请跟岗",
        "teachers flagged (ethics, paid tutoring, refusing assignments, frequent sick leave) never shadow",
        "003 五(四) 一票否决",
        Severity.HARD,
        detail="A teacher with a veto reason has no shadowing visit.",
    ),
    Rule(
        "SHD-EACH-SEM",
        "分园和加盟园每学期分期分批安排管理人员或骨干教师到总园跟岗学习",
        "each branch, member and affiliate sends a cadre or backbone to shadow at the lead every semester",
        '000 三(二)2 "每学期分期分批…到集团总园跟岗学习"',
        Severity.SOFT,
        weight=10,
        can_be_soft=True,
        detail=(
            "Shadowing is at the lead, by teachers whose home is not the lead. For each non-lead "
            "kg and semester where some cadre or backbone of it could shadow (no veto, not "
            "unavailable that year): one violation if none of its cadres/backbones shadows."
        ),
    ),
    Rule(
        "GUIDE-SIX",
        "每学年总园应到成员园开展“六个一”培训活动",
        "each year the lead delivers the profile's guidance items (六个一) to every member",
        '000 三(三)4 "每学年总园应到成员园开展‘六个一’培训活动"; 003 三(一) 团队进驻',
        Severity.SOFT,
        weight=6,
        can_be_soft=True,
        detail=(
            "Members: every kindergarten of the group but the lead. For each member, planned "
            "year and item of guide_items: one violation unless a guidance visit to that "
            "member that year carries that item."
        ),
    ),
    Rule(
        "GUIDE-LEN",
        "蹲点指导、团队进驻时间不得超过2周",
        "a guidance stay lasts at most 2 weeks (one slot)",
        '003 三(一) "跟岗锻炼时间不得超过2周"; 000 三(二)2 蹲点指导',
        Severity.HARD,
        detail=(
            "A guidance visit has a planned year, a semester and a slot within the semester's "
            "slots; its dates span <= slot_weeks <= 2 weeks."
        ),
    ),
    Rule(
        "GUIDE-CAP",
        "总园派出指导人员有度，分散到各时段",
        "guidance is by the lead's cadres or backbones, spread over the year, within loads",
        "000 三(三)4; 003 三(一) 中层副职以上干部",
        Severity.HARD,
        detail=(
            "A guidance visit is made by a teacher whose home is the group's lead and who is a "
            "cadre, or a backbone when guide_staff is backbone+cadre; its host is a member of "
            "that group; its item is one of guide_items. Per member, year and item at most one "
            "visit; per member and slot at most one; per member, year and semester at most "
            "ceil(len(guide_items) / 2) (spread over the year); per teacher and year at most "
            "guide_max_per_year; per lead and slot at most guide_slot_cap."
        ),
    ),
    Rule(
        "SWAP-EQ",
        "牵头校每年至少选派2名骨干教师和成员校同等数量的青年教师进行置换交流",
        "the lead sends >= 2 backbones a year to members and takes as many of their young teachers",
        '002 plan 4 四(三)1 "每年至少要选派2名骨干教师…和成员校同等数量的青年教师进行置换交流"',
        Severity.OFF,
        weight=30,
        can_be_soft=True,
        detail=(
            "Swaps exist only when this rule is on. A swap is a year-long placement, one of a "
            "pair: a backbone (not cadre) whose home is the lead goes to a member that is not "
            "an affiliate, and a young teacher (not cadre, age <= young_age on 1 September of "
            "that year) of that member goes to the lead; both have the same grade, and the "
            "member has classes of it. Each names the other as partner, both in the same year. "
            "A teacher's swaps in consecutive years form a run that keeps host and partner and "
            "lasts swap_years years (shorter only where the plan ends). Each year: shortfall = "
            "max(0, min(swap_min, E) - lead teachers on swap), E = Σ over grades of min(lead "
            "backbones, young teachers of the group's non-affiliate members) of that grade, "
            "none cadres, none unavailable that year (Instance.swap_capacity); each unit is a "
            "violation (the only part that may be soft)."
        ),
    ),
    Rule(
        "STAFF-CLASS",
        "每班配备2名专任教师",
        "every kindergarten, grade and year keeps 2 teachers per class, or no fewer than at home",
        '002 plan 3 五(四)24 "每班配备2名专任教师、1名保育员"',
        Severity.HARD,
        detail=(
            "present = home teachers of the grade not on a year-long placement + incoming "
            "year-long placements of that grade; present >= min(teachers_per_class × classes, "
            "home teachers of the grade)."
        ),
    ),
    Rule(
        "AWAY-SLOT",
        "同一时段同园同年级至多一人外出",
        "in one slot at most one teacher per kindergarten and grade is away on a short visit",
        "derived from STAFF-CLASS",
        Severity.HARD,
        detail="Per slot, home kg and slot key (grade, or 'cadre' for cadres): at most one short visit.",
    ),
    Rule(
        "ONE-PLACE",
        "一人同一时间只在一处",
        "one year-long placement a year, one place per slot; no short visits in a placement year",
        "common sense; 003 五(四)",
        Severity.HARD,
        detail=(
            "A teacher has at most one year-long placement per year and at most one short visit "
            "per slot, and shadows at most once per semester; nobody with a year-long placement "
            "shadows or guides that year; nobody is assigned in a year listed as unavailable."
        ),
    ),
    Rule(
        "COVER-3Y",
        "以三年为周期实现学区内幼儿园教职工全员轮训",
        "every teacher takes part in some exchange within any cover_years-year window",
        '004 二(二)2(5) "以三年为周期实现学区内幼儿园教职工全员轮训"',
        Severity.OFF,
        weight=2,
        can_be_soft=True,
        detail=(
            "For each teacher and each window of cover_years consecutive academic years that "
            "ends in a planned year and starts no earlier than Instance.cover_start (the "
            "group's earliest history year, or the plan start without history; not before the "
            "teacher's hire year): one violation unless an assignment or history record of the "
            "teacher, of any activity, covers a year of the window. Windows in which the "
            "teacher is unavailable in every planned year are exempt."
        ),
    ),
    Rule(
        "PIN",
        "人事科锁定的安排必须保留",
        "an assignment the office fixed (or forbade) in the roster is kept",
        "the office's own decisions",
        Severity.HARD,
        detail=(
            "A fixed pin matches an assignment of that teacher, activity and year (and host and "
            "semester when given); a forbidden pin matches none."
        ),
    ),
)

RULE_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}

# Objective terms (SPEC §2). The plan maximises Σ weight × term, weights from the profile.
# Penalty terms are reported as "penalty:<RULE-ID>" = -(violations of that soft rule);
# their weight is the rule's weight. A term is only in play when its weight > 0.
OBJECTIVE_TERMS: dict[str, str] = {
    "uplift": "Σ over rotation-years of max(0, home tier - host tier)",
    "fairness": (
        "Σ over groups of the minimum, over the group's receivers (branches in a tight group, "
        "members in a loose one; never lead or affiliates), of rotation-years hosted"
    ),
    "spread": (
        "-Σ over rotation-years and shadowing visits of (spread_cap - gap), gap = "
        "min(spread_cap, start_year - 1 - last academic year in the teacher's history), "
        "spread_cap when there is no history"
    ),
    "commute": "-Σ over rotation-years of round(km home→host), pairs in the distances sheet only",
    "preference": "Σ over rotation-years whose host is among the teacher's preferred hosts",
    "stability": (
        "Σ over assignments of the previous plan (--previous) that the new plan keeps: same "
        "teacher, activity, host, year and semester (the slot may move)"
    ),
}
