"""Organisations (court, institution, mediation organisation, notary office, law firm) and users.

Every organisation has a stable short code that commands and APIs take (`渝0105`, `BANK01`).
A user holds exactly one role; the role and the organisation decide what the user may see
(see `jiefen.cases.access`).
"""

from django.contrib.auth.models import AbstractUser
from django.db import models

from jiefen.privacy import EncryptedTextField


class OrganisationKind(models.TextChoices):
    COURT = "court", "法院"
    INSTITUTION = "institution", "金融机构"
    MEDIATION_ORG = "mediation_org", "调解组织"
    NOTARY_OFFICE = "notary_office", "公证机构"
    LAW_FIRM = "law_firm", "律师事务所"
    # Partner agencies of the centre that receive suspected-crime referrals (涉嫌犯罪移送).
    POLICE = "police", "公安机关"
    PROCURATORATE = "procuratorate", "人民检察院"


class InstitutionKind(models.TextChoices):
    BANK = "bank", "商业银行"
    CONSUMER_FINANCE = "consumer_finance", "消费金融公司"
    MICRO_LOAN = "micro_loan", "小额贷款公司"
    FINANCING_GUARANTEE = "financing_guarantee", "融资担保公司"
    FINANCIAL_LEASING = "financial_leasing", "融资租赁公司"
    OTHER = "other", "其他金融机构"


# Institution kinds licensed to lend as financial institutions (银行业金融机构 and the local
# financial organisations of 法释〔2020〕27号): their loans are financial loans. Anyone else lends
# privately (民间借贷规定 Art. 1), whatever case type its batch used.
LICENSED_KINDS = frozenset(
    {
        InstitutionKind.BANK,
        InstitutionKind.CONSUMER_FINANCE,
        InstitutionKind.MICRO_LOAN,
        InstitutionKind.FINANCING_GUARANTEE,
        InstitutionKind.FINANCIAL_LEASING,
    }
)


class MediationOrgKind(models.TextChoices):
    PEOPLES_COMMITTEE = "peoples_committee", "人民调解委员会"
    COURT_INVITED = "court_invited", "特邀调解组织"
    LAWYER_POOL = "lawyer_pool", "律师调解工作室"
    INDUSTRY = "industry", "行业调解组织"


class Organisation(models.Model):
    code = models.CharField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类别", max_length=20, choices=OrganisationKind.choices)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    address = models.CharField("住所地", max_length=300, blank=True)
    legal_representative = models.CharField("法定代表人/负责人", max_length=50, blank=True)
    representative_title = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)

    # Courts: case-number code (法院代字, e.g. 渝0105), division code and policies (legal-rules §1.3, §3.2).
    court_code = models.CharField("法院代字", max_length=16, blank=True)
    division_code = models.CharField("行政区划代码", max_length=6, blank=True)
    province = models.CharField("所在省份", max_length=16, blank=True)
    fee_rounding = models.CharField(
        "诉讼费取整规则",
        max_length=16,
        blank=True,
        default="half_up_yuan",
        choices=[
            ("half_up_yuan", "四舍五入到元"),
            ("fen", "保留到分"),
            ("truncate_yuan", "舍去角分"),
        ],
    )
    fee_halve_after_rounding = models.BooleanField("先取整后减半", default=False)
    interest_cap_policy = models.CharField(
        "金融借款利息上限",
        max_length=8,
        blank=True,
        default="24pct",
        choices=[("24pct", "年利率24%"), ("4lpr", "一年期LPR四倍")],
    )
    judge_capacity = models.PositiveIntegerField("每位法官系列案承办上限", default=500)

    institution_kind = models.CharField(
        "金融机构类型", max_length=24, blank=True, choices=InstitutionKind.choices
    )
    mediation_kind = models.CharField(
        "调解组织类型", max_length=24, blank=True, choices=MediationOrgKind.choices
    )
    # A mediation organisation or notary office may work with one court.
    court = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partners",
        verbose_name="合作法院",
    )

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_private_lender(self) -> bool:
        """An institution without a lending licence (`LICENSED_KINDS`): its loans are private
        lending (民间借贷规定 Art. 1; the cap of Art. 25, not the 24% of 法发〔2017〕22号)."""
        return self.kind == OrganisationKind.INSTITUTION and (
            self.institution_kind not in LICENSED_KINDS
        )


class Role(models.TextChoices):
    BANK_AGENT = "bank_agent", "金融机构经办人"
    MEDIATOR = "mediator", "调解员"
    JUDGE = "judge", "法官"
    CLERK = "clerk", "书记员"
    ENFORCEMENT_OFFICER = "enforcement_officer", "执行员"
    NOTARY = "notary", "公证员"
    DEFENDANT = "defendant", "当事人（被告）"
    LAWYER = "lawyer", "律师（诉讼代理人）"
    COURT_PRESIDENT = "court_president", "院庭长"
    # Partner agencies' staff: they see only the matters referred to their agency.
    POLICE_LIAISON = "police_liaison", "经侦联络员"
    PROSECUTOR = "prosecutor", "检察官"
    PLATFORM_ADMIN = "platform_admin", "平台管理员"


class User(AbstractUser):
    role = models.CharField("角色", max_length=24, choices=Role.choices)
    full_name = models.CharField("姓名", max_length=50, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name="所属机构",
    )
    # Lawyers sitting in a mediation pool keep their own law firm (conflict checks use it).
    law_firm = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lawyers",
        verbose_name="律师事务所",
        limit_choices_to={"kind": OrganisationKind.LAW_FIRM},
    )
    # A defendant's login is tied to their party record.
    party = models.ForeignKey(
        "cases.Party",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="logins",
        verbose_name="当事人",
    )
    phone = EncryptedTextField("手机号码", blank=True)
    id_number = EncryptedTextField("身份证号码", blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class LoginAttempt(models.Model):
    """One attempt to prove who one is (staff password, HTTP Basic, borrower portal).

    A row is written before the credentials are checked and removed again when they are right,
    so the rows that remain are failures (or attempts still being checked). Counting them in the
    database, per account and per client address, makes the lockout hold across sessions,
    processes and machines (see `jiefen.accounts.throttle`).
    """

    scope = models.CharField("入口", max_length=12)  # staff | portal | otp
    key = models.CharField("账户或案件", max_length=160)
    ip = models.GenericIPAddressField("客户端地址", null=True, blank=True)
    at = models.DateTimeField("时间", db_index=True)

    class Meta:
        verbose_name = "登录尝试"
        verbose_name_plural = "登录尝试"
        indexes = [
            models.Index(fields=["scope", "key", "at"]),
            models.Index(fields=["ip", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key} @ {self.at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A bank system's credential for the API (`Authorization: Bearer TOKEN`).

    Only the SHA-256 of the token is stored: the raw value is shown once, when it is issued
    (`jiefen.accounts.tokens.issue`). Each token has its own system account, an agent of its
    institution without a usable password, so the access layer scopes a token exactly like an
    agent of that institution and the audit log names which system acted. Revoking a token
    deactivates its account, so no other path (session, HTTP Basic) can use it either.
    """

    institution = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name="金融机构",
        limit_choices_to={"kind": OrganisationKind.INSTITUTION},
    )
    name = models.CharField("名称", max_length=100, help_text="用途，例如「信贷核心系统」")
    prefix = models.CharField("令牌前缀", max_length=16, unique=True)
    key_hash = models.CharField("令牌摘要（SHA-256）", max_length=64, unique=True)
    account = models.OneToOneField(
        User, on_delete=models.PROTECT, related_name="api_token", verbose_name="系统账户"
    )
    created_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="签发人",
    )
    created_at = models.DateTimeField("签发时间")
    expires_at = models.DateTimeField("到期时间")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="吊销人",
    )
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"


class RateCounter(models.Model):
    """Requests counted in one fixed window (a minute) for one key (an account or an address).

    Counting in the database makes a limit hold across processes and machines; each request
    adds one with a single atomic upsert (`jiefen.accounts.ratelimit`), old windows are purged.
    """

    key = models.CharField("计数对象", max_length=200)
    window = models.BigIntegerField("时间窗起点（Unix 秒）", db_index=True)
    count = models.PositiveIntegerField("次数", default=0)

    class Meta:
        verbose_name = "请求计数"
        verbose_name_plural = "请求计数"
        constraints = [
            models.UniqueConstraint(
                fields=["key", "window"], name="accounts_ratecounter_key_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window}: {self.count}"
