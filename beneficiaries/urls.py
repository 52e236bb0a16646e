app_name = "beneficiaries"

urlpatterns = []
