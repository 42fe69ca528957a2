"""The preloaded standard lists: rooms/functions and the building standard (6 categories, 12 items)."""

ROOM_TYPES = ["服务大厅", "服务咨询台", "民主决策室", "矛盾调解室", "党风政风监督室", "党员活动室",
              "多媒体培训室", "图书室", "卫生室", "幸福院", "留守儿童之家", "文化广场"]

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
        room_type_model.objects.get_or_create(county=None, name=name, defaults={"sort_order": order})
    for order, (category, name, description) in enumerate(CHECKLIST, start=1):
        checklist_item_model.objects.get_or_create(county=None, category=category, name=name,
                                                   defaults={"description": description, "sort_order": order})
