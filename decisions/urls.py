from django.urls import path, re_path

from decisions import views, views_public

app_name = "decisions"

urlpatterns = [
    path("", views.matter_list, name="matter-list"),
    path("new/", views.matter_create, name="matter-create"),
    path("oversight/", views.oversight, name="oversight"),
    path("categories/", views.categories, name="categories"),
    path("categories/<int:pk>/toggle/", views.category_toggle, name="category-toggle"),
    path("matters/<int:pk>/", views.matter_detail, name="matter-detail"),
    path("matters/<int:pk>/meeting/", views.meeting_create, name="meeting-create"),
    path("matters/<int:pk>/disclose/", views.disclosure_create, name="disclosure-create"),
    path("matters/<int:pk>/opinion/", views.opinion_create, name="opinion-create"),
    path("matters/<int:pk>/review/", views.review_create, name="review-create"),
    path("reviews/<int:pk>/decide/", views.review_decide, name="review-decide"),
    path("reviews/<int:pk>/answer/", views.review_answer, name="review-answer"),
    path("amendments/<int:pk>/signoff/", views.amendment_signoff, name="amendment-signoff"),
    path("matters/<int:pk>/urge/", views.matter_urge, name="matter-urge"),
    path(
        "matters/<int:pk>/urgings/<int:urging_pk>/answer/",
        views.matter_urging_answer,
        name="matter-urging-answer",
    ),
    path(
        "opinions/<int:pk>/answer/", views.supervision_objection_answer, name="supervision-objection-answer"
    ),
    path("opinions/<int:pk>/close/", views.supervision_objection_close, name="supervision-objection-close"),
    path("matters/<int:pk>/repropose/", views.matter_repropose, name="matter-repropose"),
    path("matters/<int:pk>/record/", views.matter_record, name="matter-record"),
    path("meetings/<int:pk>/attachments/", views.attachment_add, name="attachment-add"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment-file"),
    path("disclosures/<int:pk>/photo/", views.board_photo_add, name="board-photo-add"),
    path("disclosures/<int:pk>/amend/", views.amendment_create, name="amendment-create"),
    path("disclosures/<int:pk>/objections/", views.objection_create, name="objection-create"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection-answer"),
    path("board-photos/<int:pk>/", views.board_photo_file, name="board-photo-file"),
    path("objections/<int:pk>/uphold/", views.objection_uphold, name="objection-uphold"),
    path("objections/<int:pk>/reveal/", views.objection_reveal, name="objection-reveal"),
    path("matters/<int:pk>/withdraw/", views.matter_withdraw, name="matter-withdraw"),
    path("matters/<int:pk>/terminate/", views.matter_terminate, name="matter-terminate"),
    re_path(r"^villages/(?P<code>[0-9]{12})/roster/$", views.roster, name="roster"),
    re_path(r"^villages/(?P<code>[0-9]{12})/record-book/$", views.record_book, name="record-book"),
]

# Public pages (no login), mounted at the root by config/urls.py: the village-affairs bulletin.
public_urlpatterns = [
    re_path(r"^bulletin/(?P<code>[0-9]{12})/$", views_public.bulletin, name="bulletin"),
    re_path(r"^bulletin/(?P<code>[0-9]{12})/poster/$", views_public.bulletin_poster, name="bulletin-poster"),
    re_path(r"^b/(?P<short>[0-9a-z]{1,8})/$", views_public.bulletin_short, name="bulletin-short"),
    re_path(
        r"^bulletin/(?P<code>[0-9]{12})/postings/(?P<pk>[0-9]+)/objection/$",
        views_public.bulletin_objection,
        name="bulletin-objection",
    ),
]
