from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from core.access import ALL_ROLES
from core.clientip import ClientIpThrottleMixin

from .. import services
from ..lockout import lockout_message
from .serializers import MeSerializer, TokenRequestSerializer, TokenResponseSerializer


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"


class TokenRefused(exceptions.APIException):
    """The user may not hold another token (too many usable ones): a 400 with one message."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "token_refused"


def _locked_out(request) -> bool:
    """django-axes flags the request it refused (the DRF request or the one it wraps)."""
    return bool(
        getattr(request, "axes_locked_out", False)
        or getattr(request._request, "axes_locked_out", False)
    )


class TokenThrottle(ClientIpThrottleMixin, AnonRateThrottle):
    """20 attempts a minute per client (core.clientip.client_ip), whatever it forwards."""

    rate = "20/min"


class TokenView(APIView):
    """Exchange a username and password for an API token (read-only unless granted more)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [TokenThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={201: TokenResponseSerializer},
        description=gettext_lazy("五次密码错误后，同一用户名和地址将被锁定一段时间（HTTP 429）。"),
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None and _locked_out(request):
            raise LockedOut(lockout_message())
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed(_("用户名或密码错误"))
        try:
            token, raw = services.api_token_create(user=user, name=data.validated_data["name"])
        except DjangoValidationError as error:
            raise TokenRefused(" ".join(error.messages)) from error
        body = {"token": raw, "expires_at": token.expires_at, "can_write": token.can_write}
        return Response(TokenResponseSerializer(body).data, status=status.HTTP_201_CREATED)


class MeView(generics.RetrieveAPIView):
    """The signed-in user, their role and their scope."""

    serializer_class = MeSerializer
    read_roles = ALL_ROLES

    def get_object(self):
        return self.request.user
