"""The preloaded standard lists: rooms/functions and the building standard (6 categories, 12 items)."""

from django.db.models import Q

ROOM_TYPES = [
    "服务大厅",
    "服务咨询台",
    "民主决策室",
    "矛盾调解室",
    "党风政风监督室",
    "党员活动室",
    "多媒体培训室",
    "图书室",
    "卫生室",
    "幸福院",
    "留守儿童之家",
    "文化广场",
]

# The building standard: 6 categories, 12 items (岳池县“牌子减下来·服务提上去”).
CHECKLIST = [
    ("外观标识", "门头标识统一规范", "党群服务中心名称标识统一制作、位置醒目"),
    ("外观标识", "党徽党旗标识规范", "党徽、党旗标识使用符合规定，无褪色破损"),
    ("悬挂吊牌", "对外挂牌精简规范", "对外只挂经审核备案的牌子，多余牌子已清理"),
    ("悬挂吊牌", "功能室吊牌统一", "各功能室吊牌样式统一，名称与实际用途一致"),
    ("功能设置", "设置便民服务大厅", "设置服务大厅或咨询台，安排坐班值守"),
    ("功能设置", "四项制度功能室齐全", "设有民主决策室、矛盾调解室、党风政风监督室"),
    ("公开事项", "三务公开栏按时更新", "党务、村务、财务公开栏规范设置并按时更新"),
    ("公开事项", "服务清单和值班表上墙", "服务事项清单、办事流程、坐班值班表公开上墙"),
    ("国旗升降", "旗杆设置规范", "规范设置国旗旗杆，旗杆完好"),
    ("国旗升降", "按规定升挂国旗", "按规定升挂国旗，国旗无破损褪色"),
    ("场所整洁", "室内整洁有序", "室内干净整洁，无杂物堆放，桌椅摆放有序"),
    ("场所整洁", "室外环境干净", "室外场地干净，设施完好，绿化维护到位"),
]


def standard_lists_ensure(room_type_model=None, checklist_item_model=None) -> None:
    """Creates the standard rows that are missing (idempotent). Models are passed in from migrations."""
    if room_type_model is None:
        from centers.models import ChecklistItem, RoomType

        room_type_model, checklist_item_model = RoomType, ChecklistItem
    for order, name in enumerate(ROOM_TYPES, start=1):
        room_type_model.objects.get_or_create(region=None, name=name, defaults={"sort_order": order})
    for order, (category, name, description) in enumerate(CHECKLIST, start=1):
        checklist_item_model.objects.get_or_create(
            region=None,
            category=category,
            name=name,
            defaults={"description": description, "sort_order": order},
        )


# The starting service-item catalog (服务事项清单): (category, name, handling way, responsible office,
# materials, promised working days, needs an ID number). Counties and townships adjust and add.
SERVICE_ITEMS = [
    (
        "社会救助",
        "低保申请",
        "proxy",
        "民政办",
        "申请书\n户口簿\n身份证\n家庭收入证明\n银行卡复印件",
        20,
        True,
    ),
    (
        "社会救助",
        "特困人员供养申请",
        "proxy",
        "民政办",
        "申请书\n户口簿\n身份证\n残疾证或病历（如有）",
        20,
        True,
    ),
    ("社会救助", "临时救助申请", "proxy", "民政办", "申请书\n身份证\n困难情况证明材料", 10, True),
    ("社会保障", "医保参保缴费", "assist", "社保所", "身份证\n户口簿", 3, True),
    ("社会保障", "养老保险参保登记", "proxy", "社保所", "身份证\n户口簿\n一寸照片", 5, True),
    ("社会保障", "养老保险资格认证", "on_site", "社保所", "身份证", 1, True),
    ("社会保障", "医疗费用报销", "full", "医保办", "身份证\n医保卡\n住院发票\n费用清单\n出院小结", 15, True),
    ("残疾人服务", "残疾证办理", "full", "残联", "身份证\n户口簿\n二寸照片\n医院诊断证明", 20, True),
    ("残疾人服务", "残疾人两项补贴申请", "proxy", "民政办", "身份证\n残疾证\n申请表", 15, True),
    ("老龄服务", "高龄补贴申请", "proxy", "民政办", "身份证\n户口簿\n银行卡复印件", 10, True),
    ("户籍计生", "新生儿落户", "referral", "派出所", "出生医学证明\n父母身份证\n户口簿\n结婚证", 5, True),
    (
        "户籍计生",
        "独生子女证办理",
        "proxy",
        "卫健办",
        "父母身份证\n户口簿\n结婚证\n子女出生医学证明",
        10,
        True,
    ),
    ("户籍计生", "生育登记", "proxy", "卫健办", "夫妻身份证\n户口簿\n结婚证", 5, True),
    (
        "土地房屋",
        "宅基地审批",
        "full",
        "自然资源所",
        "申请书\n户口簿\n身份证\n村民会议决议\n四邻签字意见",
        30,
        True,
    ),
    ("土地房屋", "农村建房规划许可", "full", "规划办", "申请书\n宅基地批准文件\n建房设计图", 20, True),
    ("土地房屋", "土地承包经营权证变更", "proxy", "农经站", "申请书\n原承包经营权证\n身份证", 20, True),
    ("农业农村", "耕地地力保护补贴申报", "assist", "农经站", "身份证\n承包经营权证\n银行卡复印件", 10, True),
    ("农业农村", "农机购置补贴申请", "proxy", "农机站", "身份证\n购机发票\n机具照片", 15, True),
    ("就业创业", "就业失业登记", "on_site", "劳动保障所", "身份证\n一寸照片", 3, True),
    ("就业创业", "创业担保贷款申请", "referral", "劳动保障所", "身份证\n营业执照\n创业计划书", 15, True),
    ("退役军人", "退役军人优待证申领", "proxy", "退役军人服务站", "身份证\n退役证件\n二寸照片", 20, True),
    ("教育", "困难学生资助申请", "assist", "教育办", "申请表\n学生证\n家庭困难证明", 10, True),
    ("证明开具", "居住证明开具", "on_site", "村委会", "身份证", 1, True),
    ("证明开具", "亲属关系证明开具", "on_site", "村委会", "身份证\n户口簿", 1, True),
    ("便民服务", "水电费代缴", "on_site", "村委会", "缴费户号", 1, False),
    ("便民服务", "政策咨询", "on_site", "村委会", "", 1, False),
]


# 办理条件 of the standard items, for the public 办事明白纸 ([004 宜昌] "公开…办理条件、工作流程、承办人员及其
# 联系方式"). Like the promised days they are a starting text: each county adjusts its own.
SERVICE_ITEM_CONDITIONS = {
    "低保申请": "共同生活的家庭成员人均收入低于当地最低生活保障标准，且家庭财产状况符合当地规定。",
    "特困人员供养申请": "无劳动能力、无生活来源，且无法定赡养、抚养、扶养义务人或其义务人无履行能力的老年人、残疾人和未成年人。",
    "临时救助申请": "因火灾、交通事故、突发重大疾病等原因，基本生活暂时出现严重困难的家庭或个人。",
    "医保参保缴费": "未参加职工基本医疗保险的本地城乡居民。",
    "养老保险参保登记": "年满16周岁（不含在校学生）、未参加职工基本养老保险的本地城乡居民。",
    "养老保险资格认证": "正在领取城乡居民养老保险待遇的人员，每年认证一次。",
    "医疗费用报销": "参加城乡居民医保，在定点医疗机构就医且未直接结算的医疗费用。",
    "残疾证办理": "经指定医院评定达到残疾标准的本地户籍人员。",
    "残疾人两项补贴申请": "持有第二代残疾人证的困难残疾人（生活补贴）或一、二级重度残疾人（护理补贴）。",
    "高龄补贴申请": "本地户籍、年满80周岁的老年人。",
    "新生儿落户": "新生儿父母一方为本地户籍。",
    "独生子女证办理": "只生育一个子女的夫妻。",
    "生育登记": "夫妻一方为本地户籍或在本地居住的育龄夫妻。",
    "宅基地审批": "本村集体经济组织成员，以户为单位申请，一户只能拥有一处宅基地，选址符合村庄规划。",
    "农村建房规划许可": "已取得宅基地批准文件，建房位置和设计符合乡村规划。",
    "土地承包经营权证变更": "承包户分户、家庭成员变化、互换或转让等需要变更登记的。",
    "耕地地力保护补贴申报": "拥有耕地承包权并实际种植的农户。",
    "农机购置补贴申请": "购买补贴目录内农机具的农户或农业生产经营组织。",
    "就业失业登记": "法定劳动年龄内、有劳动能力和就业要求、处于无业状态的人员。",
    "创业担保贷款申请": "城镇登记失业人员、返乡创业农民工等，从事个体经营或创办小微企业。",
    "退役军人优待证申领": "退役军人及其他符合条件的优抚对象。",
    "困难学生资助申请": "家庭经济困难的在校学生。",
    "居住证明开具": "在本村实际居住的人员。",
    "亲属关系证明开具": "户籍或实际居住在本村、亲属关系可以核实的人员。",
    "水电费代缴": "本村住户。",
    "政策咨询": "无条件限制，群众均可咨询。",
}

# The standard steps of each handling way (坐班+五办), following 受理→承办→回复 ([004 宜昌] "按照受理、承办、
# 回复三个环节，由村干部代跑帮办"); ``{office}`` is the item's responsible office.
DEFAULT_FLOWS = {
    "on_site": (
        "受理：到村党群服务中心找值班干部提出申请",
        "办理：值班干部当场办理",
        "回复：当场告知办理结果",
    ),
    "proxy": (
        "受理：值班干部受理申请、核对材料，出具办事回执",
        "承办：村干部代为报送{office}办理，跟踪进度",
        "回复：办结后告知申请人办理结果",
    ),
    "assist": (
        "受理：值班干部受理申请、核对材料",
        "承办：村干部协助申请人到{office}办理",
        "回复：办结后回访，告知有关事项",
    ),
    "referral": (
        "受理：值班干部解答咨询、核对材料",
        "承办：开具介绍信，告知{office}地址和所需材料",
        "回复：办结后回访申请人",
    ),
    "full": (
        "受理：值班干部受理申请、核对材料，出具办事回执",
        "承办：村干部全程代办，跟踪{office}各环节",
        "回复：办结后告知申请人办理结果",
    ),
}


def default_flow(handling_way: str, office: str) -> list[str]:
    return [step.format(office=office or "主管部门") for step in DEFAULT_FLOWS.get(handling_way, ())]


def service_item_guides_fill(service_item_model) -> int:
    """Fills the blank 办理条件 and 办理流程 of the standard items (conditions from SERVICE_ITEM_CONDITIONS,
    the flow from the item's handling way). Idempotent: a text someone wrote is kept."""
    filled = 0
    for item in service_item_model.objects.filter(region=None).filter(Q(conditions="") | Q(flow="")):
        item.conditions = item.conditions or SERVICE_ITEM_CONDITIONS.get(item.name, "")
        item.flow = item.flow or "\n".join(default_flow(item.handling_way, item.office))
        item.save(update_fields=["conditions", "flow"])
        filled += 1
    return filled


def service_items_ensure(service_item_model=None) -> None:
    """Creates the standard service items that are missing (idempotent; migrations pass their model)."""
    if service_item_model is None:
        from centers.models import ServiceItem

        service_item_model = ServiceItem
    for order, (category, name, way, office, materials, days, needs_id) in enumerate(SERVICE_ITEMS, start=1):
        service_item_model.objects.get_or_create(
            region=None,
            name=name,
            defaults={
                "category": category,
                "handling_way": way,
                "office": office,
                "materials": materials,
                "promised_days": days,
                "needs_id_number": needs_id,
                "sort_order": order,
            },
        )
    # The historical model of an early migration has no 办理条件 yet (0003 runs before the field exists).
    if any(f.name == "conditions" for f in service_item_model._meta.get_fields()):
        service_item_guides_fill(service_item_model)
